import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Logging

/// A request to `/v1/ingest/{source}` as the HTTP layer hands it over.
public struct IngestHTTPRequest: Sendable {
    public var source: String
    public var method: String
    public var headers: [(name: String, value: String)]
    /// The raw (percent-encoded) query string, without `?`.
    public var rawQuery: String?
    public var body: [UInt8]
    /// The peer's IP address as text, when known.
    public var peer: String?

    public init(
        source: String, method: String, headers: [(name: String, value: String)], rawQuery: String?, body: [UInt8],
        peer: String?
    ) {
        self.source = source
        self.method = method
        self.headers = headers
        self.rawQuery = rawQuery
        self.body = body
        self.peer = peer
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }
}

/// What the gateway answers.
public struct GatewayResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    /// The error code of an error answer (for the log line).
    public var code: String?

    public init(status: Int, contentType: String = "application/json", body: [UInt8], code: String? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.code = code
    }

    /// `{"error":{"code":…,"message":…}}` (Docs/gateway.md, "Answers").
    public static func error(_ status: Int, _ code: String, _ message: String) -> GatewayResponse {
        let value: JSONValue = ["error": ["code": .string(code), "message": .string(message)]]
        return GatewayResponse(status: status, body: JSONWriter.compact.bytes(value), code: code)
    }

    /// The answer to an unreadable or unmappable request: the status its code carries.
    public static func error(_ error: IngestError) -> GatewayResponse {
        .error(error.status, error.code, error.message)
    }
}
