import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel

/// A vendor's protocol-level behaviour: how a request becomes mapping input, whether it is a
/// handshake, and the named functions its mapping may call. Field translation itself lives in the
/// vendor's YAML mapping.
public protocol VendorAdapter: Sendable {
    /// The `adapter:` name in `callgate.yaml` (`miitel`).
    var name: String { get }
    /// Region for phone numbers when the source does not set one.
    var defaultRegion: String { get }
    /// The mapping file shipped for this adapter (`Mappings/miitel.yaml`), if any.
    var defaultMapping: String? { get }
    /// Functions the mapping can call as `{ fn: name, args: [...] }`.
    var functions: [MappingFunction] { get }
    /// Whether some requests are handshakes answered without credentials (MiiTel's challenge), so
    /// the body must be read before credentials are asked for.
    var answersHandshakes: Bool { get }
    /// Whether the vendor may send `GET` requests (BIZTEL's call actions carry only query
    /// parameters); other sources answer `GET` with 405 `method_not_allowed`.
    var acceptsGET: Bool { get }

    /// Turns a request into the mapping's input, or a handshake to answer without storing anything.
    /// - Throws: `GatewayError` for bodies that cannot be read (400) or content types the vendor
    ///   never sends (415).
    func input(from request: InboundRequest, source: SourceSettings) throws(GatewayError) -> AdapterInput

    /// The check for the vendor's own request signature, configured by the source's
    /// `auth: { vendor_signature: … }`; `nil` when the vendor has none (the setting is then an
    /// error at start-up).
    /// - Throws: `MessageError` for settings the scheme cannot use (a missing `url`).
    func signatureVerifier(_ settings: CallGateConfig.VendorSignature) throws(MessageError) -> VendorSignatureVerifier?
}

/// An adapter's description of its vendor's request signature: an HMAC of what the vendor signs,
/// in a header. The adapter says what is signed (`message`); source authentication
/// (`SourceAuthenticator`, in `Receive/Auth`) computes and compares the HMAC, so adapters need no
/// cryptography.
public struct VendorSignatureVerifier: Sendable {
    /// The HMAC's hash function.
    public enum Algorithm: String, Sendable {
        case sha1, sha256
    }

    /// What a request must carry, for the 401 message ("an X-Twilio-Signature").
    public var expectation: String
    /// The header carrying the signature; a request without it has no such credential.
    public var header: String
    public var algorithm: Algorithm
    /// How the header writes the HMAC.
    public var encoding: CallGateConfig.HMACEncoding
    /// The configured keys; a signature made with any of them is valid (rotation).
    public var keys: [[UInt8]]
    /// The bytes the vendor signs, for a request.
    public var message: @Sendable (InboundRequest) -> [UInt8]

    public init(
        expectation: String, header: String, algorithm: Algorithm, encoding: CallGateConfig.HMACEncoding,
        keys: [[UInt8]], message: @escaping @Sendable (InboundRequest) -> [UInt8]
    ) {
        self.expectation = expectation
        self.header = header
        self.algorithm = algorithm
        self.encoding = encoding
        self.keys = keys
        self.message = message
    }
}

extension VendorAdapter {
    public var functions: [MappingFunction] { [] }
    public var answersHandshakes: Bool { false }
    public var acceptsGET: Bool { false }
    public func signatureVerifier(_ settings: CallGateConfig.VendorSignature) throws(MessageError)
        -> VendorSignatureVerifier?
    { nil }
    public var defaultMapping: String? { "Mappings/\(name).yaml" }

    /// The default: a JSON object body, parsed into a tape.
    public func input(from request: InboundRequest, source: SourceSettings) throws(GatewayError) -> AdapterInput {
        .payload(.tape(try request.jsonObjectTape()))
    }
}

/// What an adapter made of a request.
public enum AdapterInput: Sendable {
    /// A payload for the mapping.
    case payload(MappingInput)
    /// A verification request (MiiTel's challenge) to answer as given; nothing is stored.
    case handshake(HandshakeResponse)
}

/// The answer to a vendor's verification request.
public struct HandshakeResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int = 200, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

extension VendorSignatureVerifier: CustomStringConvertible, CustomReflectable {
    /// The scheme without its keys: a printed or dumped verifier never shows a secret.
    public var description: String {
        "VendorSignatureVerifier(header: \(header), algorithm: \(algorithm.rawValue), encoding: \(encoding.rawValue), keys: \(keys.count) redacted)"
    }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "header": header, "algorithm": algorithm, "encoding": encoding, "keys": "\(keys.count) redacted",
            ])
    }
}
