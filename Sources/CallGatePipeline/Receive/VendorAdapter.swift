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
    /// - Throws: `IngestError` for bodies that cannot be read (400) or content types the vendor
    ///   never sends (415).
    func input(from request: IngestRequest, source: SourceSettings) throws(IngestError) -> AdapterInput

    /// The check for the vendor's own request signature, configured by the source's
    /// `auth: { vendor_signature: … }`; `nil` when the vendor has none (the setting is then an
    /// error at start-up).
    /// - Throws: `MessageError` for settings the scheme cannot use (a missing `url`).
    func signatureVerifier(_ settings: CallGateConfig.VendorSignature) throws(MessageError) -> VendorSignatureVerifier?
}

/// An adapter's check of its vendor's request signature.
public struct VendorSignatureVerifier: Sendable {
    /// What a request must carry, for the 401 message ("an X-Twilio-Signature").
    public var expectation: String
    /// The header carrying the signature; a request without it has no such credential.
    public var header: String
    /// Whether the request's signature is valid.
    public var verify: @Sendable (AuthRequest) -> Bool

    public init(expectation: String, header: String, verify: @escaping @Sendable (AuthRequest) -> Bool) {
        self.expectation = expectation
        self.header = header
        self.verify = verify
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
    public func input(from request: IngestRequest, source: SourceSettings) throws(IngestError) -> AdapterInput {
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

/// A request as it reached the gateway, independent of any HTTP library.
public struct IngestRequest: Sendable {
    public var method: String
    /// The `Content-Type` header, if any.
    public var contentType: String?
    /// Decoded query parameters in order.
    public var query: [(String, String)]
    public var body: [UInt8]
    /// Bounds on the body's structure (members per object, fields per form).
    public var limits: InputLimits

    public init(
        method: String = "POST", contentType: String?, query: [(String, String)] = [], body: [UInt8],
        limits: InputLimits = .ingest
    ) {
        self.method = method
        self.contentType = contentType
        self.query = query
        self.body = body
        self.limits = limits
    }

    /// The body as form fields (`application/x-www-form-urlencoded`), in order.
    public func formFields() throws(IngestError) -> [(String, String)] {
        try FormURLEncoding.decode(body, maxFields: limits.maxFormFields)
    }

    /// The media type without parameters, lowercased (`application/json`).
    public var mediaType: String? {
        guard let contentType else { return nil }
        let type = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? contentType
        return type.trimmingWhitespace().lowercased()
    }

    /// The body parsed into a tape (the mapping's fast path), with the same checks and errors as
    /// `jsonObjectBody()`.
    public func jsonObjectTape() throws(IngestError) -> JSONTape {
        try checkJSONMediaType()
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: body, limits: limits)
        } catch {
            throw .malformedBody("the body is not valid JSON: \(error)")
        }
        guard tape.kind(JSONTape.root) == .object else {
            throw .malformedBody("expected a JSON object, got \(tape.value(JSONTape.root).kindName)")
        }
        return tape
    }

    func checkJSONMediaType() throws(IngestError) {
        if let type = mediaType, !isJSON, type != "text/plain" {
            throw .unsupportedMediaType("expected application/json, got \(type)")
        }
    }

    /// Whether the body is declared as JSON (`application/json`, `…+json`, or `text/json`).
    public var isJSON: Bool {
        guard let type = mediaType else { return false }
        return type == "application/json" || type == "text/json" || type.hasSuffix("+json")
    }

    public var isForm: Bool { mediaType == "application/x-www-form-urlencoded" }

    /// The body parsed as a JSON object.
    /// - Throws: 415 when declared as something else, 400 when it is not a JSON object.
    public func jsonObjectBody() throws(IngestError) -> JSONValue {
        try checkJSONMediaType()
        let value: JSONValue
        do {
            value = try JSONParser.parse(body, limits: limits)
        } catch {
            throw .malformedBody("the body is not valid JSON: \(error)")
        }
        guard case .object = value else {
            throw .malformedBody("expected a JSON object, got \(value.kindName)")
        }
        return value
    }
}

/// A request the gateway cannot accept, with a stable code (Docs/gateway.md, "Answers"); the code
/// decides the HTTP status, which the edge reads from `status`.
public struct IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable codes, each with its HTTP status.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The body cannot be read.
        case malformedBody = "malformed_body"
        /// The query string cannot be read.
        case malformedQuery = "malformed_query"
        /// A content type the vendor never sends.
        case unsupportedMediaType = "unsupported_media_type"
        /// The payload cannot produce a valid record.
        case unmappablePayload = "unmappable_payload"

        /// The HTTP status answering a request that failed with this code.
        public var status: Int {
            switch self {
            case .malformedBody, .malformedQuery: 400
            case .unsupportedMediaType: 415
            case .unmappablePayload: 422
            }
        }
    }

    public var kind: Code
    public var message: String

    public init(_ kind: Code, message: String) {
        self.kind = kind
        self.message = message
    }

    /// The code as answered and stored (`malformed_body`).
    public var code: String { kind.rawValue }
    /// The HTTP status of the answer.
    public var status: Int { kind.status }

    /// 400: the body cannot be read.
    public static func malformedBody(_ message: String) -> IngestError {
        IngestError(.malformedBody, message: message)
    }
    /// 415: a content type the vendor never sends.
    public static func unsupportedMediaType(_ message: String) -> IngestError {
        IngestError(.unsupportedMediaType, message: message)
    }
    /// 422: the payload cannot produce a valid record.
    public static func unmappable(_ error: MappingError) -> IngestError {
        IngestError(.unmappablePayload, message: error.description)
    }

    public var description: String { "\(code): \(message)" }
}
