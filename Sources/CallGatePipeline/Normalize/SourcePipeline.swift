import CallGateAuth
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
    /// The credentials that travel in this source's payload or query, removed before mapping.
    public let secrets: SourceSecrets

    public init(
        settings: SourceSettings, adapter: any VendorAdapter, mapping: CompiledMapping, config: CallGateConfig.Source
    ) {
        self.settings = settings
        self.adapter = adapter
        self.mapping = mapping
        self.config = config
        self.secrets = SourceSecrets(config.auth)
    }

    /// What a request became.
    public enum Outcome: Sendable {
        case handshake(HandshakeResponse)
        case events([CallEvent])
    }

    /// `normalize(_:receivedAt:authenticate:)` for a request whose query is already decoded, without
    /// authentication: drops the `query_key` parameter, reads the request through the adapter,
    /// removes the credentials the input carries and runs the mapping.
    /// - Throws: `GatewayError` — `malformed_body` (400), `unsupported_media_type` (415) or
    ///   `unmappable_payload` (422).
    public func process(_ request: InboundRequest, receivedAt: Timestamp) throws(GatewayError) -> Outcome {
        var request = request
        request.query = secrets.strip(query: request.query)
        do throws(NormalizeError.Failure) {
            return try outcome(of: request, receivedAt: receivedAt, authenticate: nil)
        } catch {
            switch error {
            case .unreadable(let error), .unmappable(let error): throw error
            case .refused: preconditionFailure("no authentication was asked for")
            }
        }
    }

    /// Runs the mapping on input whose secrets are already removed.
    /// - Throws: `unmappable_payload` (422).
    public func events(from input: MappingInput, receivedAt: Timestamp) throws(GatewayError) -> [CallEvent] {
        var events: [CallEvent]
        do {
            events = try mapping.events(from: input, source: settings, receivedAt: receivedAt)
        } catch {
            throw .unmappable(error)
        }
        EventIdentity.assign(&events)
        return events
    }

    /// `events(from:receivedAt:)` for a payload given as a `JSONValue`.
    public func events(from input: JSONValue, receivedAt: Timestamp) throws(GatewayError) -> [CallEvent] {
        try events(from: .json(input), receivedAt: receivedAt)
    }
}
