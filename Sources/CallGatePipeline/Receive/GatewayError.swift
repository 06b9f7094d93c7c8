import CallGateFoundation
import CallGateMapping

/// Why the gateway refuses a request: a stable code, which clients branch on and which carries the
/// HTTP status, and a message for a person (Docs/gateway.md, "Answers"; Docs/admin-api.md).
///
/// One type for every refusal — an unreadable or unmappable webhook, failed source authentication,
/// the admin API, the connection limits — turned into an HTTP answer in one place
/// (`GatewayResponse.error`).
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable codes, each with its HTTP status.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The body cannot be read.
        case malformedBody = "malformed_body"
        /// The query string cannot be read.
        case malformedQuery = "malformed_query"
        /// An admin request with a parameter out of range, or a request line the server cannot read.
        case badRequest = "bad_request"
        /// Credentials missing or wrong, a signature invalid or expired.
        case unauthorized
        /// The client address is not allowed.
        case forbidden
        /// No such route or row.
        case notFound = "not_found"
        case unknownSource = "unknown_source"
        case unknownSink = "unknown_sink"
        case methodNotAllowed = "method_not_allowed"
        /// The headers did not arrive within `server.header_timeout`.
        case headerTimeout = "header_timeout"
        /// The body did not arrive within `server.body_timeout`.
        case bodyTimeout = "body_timeout"
        /// A quarantined payload that was already replayed.
        case alreadyReplayed = "already_replayed"
        case bodyTooLarge = "body_too_large"
        /// A content type the vendor never sends.
        case unsupportedMediaType = "unsupported_media_type"
        /// The payload cannot produce a valid record.
        case unmappablePayload = "unmappable_payload"
        /// A failure of the gateway itself, not of the request.
        case internalError = "internal_error"
        /// The store could not commit or be read.
        case storeUnavailable = "store_unavailable"
        /// Over `server.max_connections`.
        case tooManyConnections = "too_many_connections"

        /// The HTTP status answering a request refused with this code.
        public var status: Int {
            switch self {
            case .malformedBody, .malformedQuery, .badRequest: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound, .unknownSource, .unknownSink: 404
            case .methodNotAllowed: 405
            case .headerTimeout, .bodyTimeout: 408
            case .alreadyReplayed: 409
            case .bodyTooLarge: 413
            case .unsupportedMediaType: 415
            case .unmappablePayload: 422
            case .internalError: 500
            case .storeUnavailable, .tooManyConnections: 503
            }
        }
    }

    public var kind: Code
    /// What was wrong. For `unauthorized` and `forbidden` it may name what was expected (for the
    /// log), but never a presented or configured secret, nor payload text; `answer` is what the
    /// client is told.
    public var message: String

    public init(_ kind: Code, message: String) {
        self.kind = kind
        self.message = message
    }

    /// The code as answered, stored and used as a metric label (`malformed_body`).
    public var code: String { kind.rawValue }
    /// The HTTP status of the answer.
    public var status: Int { kind.status }

    /// What the client is told: for a 401 only that credentials are missing or invalid, since the
    /// detail (which parameter, which payload path, which header) would show an unauthenticated
    /// caller how the source is protected. `message` has the detail for the log.
    public var answer: String {
        kind == .unauthorized ? "missing or invalid credentials" : message
    }

    /// 400: the body cannot be read.
    public static func malformedBody(_ message: String) -> GatewayError {
        GatewayError(.malformedBody, message: message)
    }
    /// 415: a content type the vendor never sends.
    public static func unsupportedMediaType(_ message: String) -> GatewayError {
        GatewayError(.unsupportedMediaType, message: message)
    }
    /// 422: the payload cannot produce a valid record.
    public static func unmappable(_ error: MappingError) -> GatewayError {
        GatewayError(.unmappablePayload, message: error.description)
    }
    /// 401: credentials missing or not valid.
    public static func unauthorized(_ message: String) -> GatewayError {
        GatewayError(.unauthorized, message: message)
    }
    /// 403: the client address is not in `allow_ips`.
    public static func forbidden(_ message: String) -> GatewayError {
        GatewayError(.forbidden, message: message)
    }
    /// 400: an admin parameter that cannot be used.
    public static func badRequest(_ message: String) -> GatewayError {
        GatewayError(.badRequest, message: message)
    }

    public var description: String { "\(code): \(message)" }
}
