import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Logging

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

    /// `{"error":{"code":…,"message":…}}` with the status the code carries (Docs/gateway.md,
    /// "Answers"): the one place a refusal becomes an HTTP answer.
    public static func error(_ error: GatewayError) -> GatewayResponse {
        let value: JSONValue = ["error": ["code": .string(error.code), "message": .string(error.message)]]
        return GatewayResponse(status: error.status, body: JSONWriter.compact.bytes(value), code: error.code)
    }

    public static func error(_ code: GatewayError.Code, _ message: String) -> GatewayResponse {
        .error(GatewayError(code, message: message))
    }
}
