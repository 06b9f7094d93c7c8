import CallGateCore

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
        switch try adapter.input(from: request, source: settings) {
        case .handshake(let response):
            return .handshake(response)
        case .payload(let input):
            do {
                return .events(try mapping.events(from: input, source: settings, receivedAt: receivedAt))
            } catch {
                throw .unmappable(error)
            }
        }
    }
}
