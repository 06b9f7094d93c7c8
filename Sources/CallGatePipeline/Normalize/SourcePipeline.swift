import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// Everything one configured source needs to turn a request into events: its settings, adapter
/// and compiled mapping.
public struct SourcePipeline: Sendable {
    public let settings: SourceSettings
    public let adapter: any VendorAdapter
    public let mapping: CompiledMapping
    public let config: CallGateConfig.Source

    /// What a request became.
    public enum Outcome: Sendable {
        case handshake(HandshakeResponse)
        case events([CallEvent])
    }

    /// Reads the request through the adapter and runs the mapping.
    /// - Throws: `IngestError` — `malformed_body` (400), `unsupported_media_type` (415) or
    ///   `unmappable_payload` (422).
    public func process(_ request: IngestRequest, receivedAt: Timestamp) throws(IngestError) -> Outcome {
        switch try input(from: request) {
        case .handshake(let response):
            return .handshake(response)
        case .payload(let input):
            return .events(try events(from: input, receivedAt: receivedAt))
        }
    }

    /// The first half of `process`: what the adapter makes of the request (the server
    /// authenticates between the halves, since a payload secret lives in the input).
    /// - Throws: `malformed_body` (400) or `unsupported_media_type` (415).
    public func input(from request: IngestRequest) throws(IngestError) -> AdapterInput {
        try adapter.input(from: request, source: settings)
    }

    /// The second half of `process`: runs the mapping.
    /// - Throws: `unmappable_payload` (422).
    public func events(from input: MappingInput, receivedAt: Timestamp) throws(IngestError) -> [CallEvent] {
        do {
            return try mapping.events(from: input, source: settings, receivedAt: receivedAt)
        } catch {
            throw .unmappable(error)
        }
    }

    /// `events(from:receivedAt:)` for a payload given as a `JSONValue`.
    public func events(from input: JSONValue, receivedAt: Timestamp) throws(IngestError) -> [CallEvent] {
        do {
            return try mapping.events(from: input, source: settings, receivedAt: receivedAt)
        } catch {
            throw .unmappable(error)
        }
    }
}
