import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id: the caller's `X-Request-Id` when it is 1–128 characters of
/// `A-Za-z0-9._:-` (a proxy's id then ties its log to ours), otherwise a new random one. The id is
/// on every log line written for the request and is echoed in the response. Routing errors
/// (unknown path or method) answer in the gateway's JSON error shape.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let logger: Logger

    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let id = request.headers[Self.header].flatMap { Self.isAcceptable($0) ? $0 : nil } ?? Self.make()
        var context = context
        context.requestLogger = logger
        context.requestLogger[metadataKey: "request_id"] = .string(id)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            // Routing's refusals (no such route, another method, an unreadable request) in the
            // gateway's own shape.
            let code: GatewayError.Code =
                switch error.status.code {
                case 404: .notFound
                case 405: .methodNotAllowed
                case 408: .bodyTimeout
                case 413: .bodyTooLarge
                case 500...: .internalError
                default: .badRequest
                }
            response =
                GatewayResponse.error(code, error.body ?? "\(request.method) \(request.uri.path) is not served").http
        }
        response.headers[Self.header] = id
        return response
    }

    static func isAcceptable(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x3A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E
                    || c == 0x5F || c == 0x2D
            }
    }

    /// 16 random hex digits.
    static func make() -> String {
        let hex = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
