import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel

/// What source authentication sees of an HTTP request, independent of any HTTP library.
public struct AuthRequest: Sendable {
    /// Header fields as received, in order; names are matched case-insensitively.
    public var headers: [(name: String, value: String)]
    /// Decoded query parameters, in order.
    public var query: [(name: String, value: String)]
    /// The raw body, exactly as received: signatures are computed over these bytes.
    public var body: [UInt8]
    /// The body as the adapter reads it (parsed JSON, or BIZTEL's form and query parameters as one
    /// object); `nil` when there is none.
    public var payload: JSONValue?
    /// The address of the connecting peer as text, without a port (`127.0.0.1`, `::1`).
    public var peer: String?
    /// The query string as received (percent-encoded, without `?`), for schemes that sign the URL.
    public var rawQuery: String?

    public init(
        headers: [(name: String, value: String)] = [],
        query: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        payload: JSONValue? = nil,
        peer: String? = nil,
        rawQuery: String? = nil
    ) {
        self.headers = headers
        self.query = query
        self.body = body
        self.payload = payload
        self.peer = peer
        self.rawQuery = rawQuery
    }

    /// The values of every header named `name` (ASCII case-insensitive), in order.
    public func headerValues(_ name: String) -> [String] {
        headers.compactMap { Self.sameHeaderName($0.name, name) ? $0.value : nil }
    }

    /// The value of the first header named `name`.
    public func header(_ name: String) -> String? {
        headers.first { Self.sameHeaderName($0.name, name) }?.value
    }

    /// The value of the first query parameter named `name` (exact match, as vendors send them).
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    static func sameHeaderName(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8) { ASCII.lowercase($0) == ASCII.lowercase($1) }
    }
}

/// Why a request was refused by source authentication. The server answers `status` with
/// `{"error": {"code": code, "message": message}}`.
public struct AuthFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// 401 (credentials missing or wrong, signature bad or expired) or 403 (client address not
    /// allowed).
    public var status: Int
    /// `unauthorized` or `forbidden`: stable, usable as a metric label.
    public var code: String
    /// What was expected and, when it helps, what was wrong. Never contains a presented or
    /// configured secret, nor payload text.
    public var message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// 401: credentials missing or not valid.
    public static func unauthorized(_ message: String) -> AuthFailure {
        AuthFailure(status: 401, code: "unauthorized", message: message)
    }

    /// What the client is told: for a 401 only that credentials are missing or invalid, since the
    /// detail (which parameter, which payload path, which header) would show an unauthenticated
    /// caller how the source is protected. `message` has the detail for the log.
    public var answer: String {
        status == 401 ? "missing or invalid credentials" : message
    }

    /// 403: the client address is not in `allow_ips`.
    public static func forbidden(_ message: String) -> AuthFailure {
        AuthFailure(status: 403, code: "forbidden", message: message)
    }

    public var description: String { "\(status) \(code): \(message)" }
}

/// ASCII helpers for protocol text (header names, schemes, hex), which is never locale-dependent.
enum ASCII {
    static func lowercase(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: Substring) -> Substring {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        return text[first...last]
    }

    /// Whether `text` starts with `prefix`, ignoring ASCII case.
    static func hasPrefixIgnoringCase(_ text: Substring, _ prefix: String) -> Bool {
        guard text.utf8.count >= prefix.utf8.count else { return false }
        return text.utf8.prefix(prefix.utf8.count).elementsEqual(prefix.utf8) { lowercase($0) == lowercase($1) }
    }
}
