import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// MiiTel outgoing webhook (`adapter: miitel`): JSON posts from `MiiTel-Webhook/v1`.
///
/// On saving the webhook settings MiiTel posts `{"challenge": "<hex>"}` (plus any additional
/// payload configured) and expects the token back as `text/plain`; that is answered here and never
/// stored. Everything else is a call-history payload for `Mappings/miitel.yaml`.
public struct MiiTelAdapter: VendorAdapter {
    public let name = "miitel"
    public let defaultRegion = "JP"

    public init() {}

    public var answersHandshakes: Bool { true }

    /// Longest challenge token echoed back; MiiTel's are short hex strings.
    static let maximumChallengeLength = 256

    public func input(from request: InboundRequest, source: SourceSettings) throws(GatewayError) -> AdapterInput {
        let payload = MappingInput.tape(try request.jsonObjectTape())
        if let challenge = payload["challenge"], payload["call"] == nil {
            return .handshake(try Self.answer(challenge))
        }
        return .payload(payload)
    }

    /// Echoes the challenge token. Only hex (and the `-`/`_` some test tools add) is echoed, so the
    /// endpoint cannot be used to reflect arbitrary content.
    static func answer(_ challenge: JSONValue) throws(GatewayError) -> HandshakeResponse {
        guard case .string(let token) = challenge, !token.isEmpty, token.utf8.count <= maximumChallengeLength,
            token.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit || $0 == "-" || $0 == "_" })
        else {
            throw .malformedBody("'challenge' must be a hex token of at most \(maximumChallengeLength) characters")
        }
        return HandshakeResponse(status: 200, contentType: "text/plain; charset=utf-8", body: Array(token.utf8))
    }
}
