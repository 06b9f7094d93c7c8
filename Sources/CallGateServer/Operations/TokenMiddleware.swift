import CallGateAuth
import CallGateConfig
import CallGatePipeline
import CallGateReceive
import HTTPTypes
import Hummingbird

/// Puts a route group behind a bearer token read from the configuration in use when the request
/// arrives (a reload changes it for the next request): the admin API behind `admin.token`, the
/// metrics behind `metrics.token`. A request without the token is answered 401 with
/// `WWW-Authenticate: Bearer` before any handler runs.
struct TokenMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    /// The token in force; `nil` when none is configured.
    let token: @Sendable () -> Secret?
    /// The answer while no token is configured; `nil` lets every request through.
    let unconfigured: GatewayResponse?
    /// What the 401 says the caller needs.
    let refusal: String

    /// The admin API: off (404, as if it did not exist) until `admin.token` is set.
    static func admin(_ state: GatewayState) -> TokenMiddleware {
        TokenMiddleware(
            token: { state.current.config.admin.token },
            unconfigured: .error(.notFound, "the admin API is off: set admin.token"),
            refusal: "the admin API needs Authorization: Bearer <admin.token>")
    }

    /// The metrics: open until `metrics.token` is set, then only for a scraper presenting it.
    static func metrics(_ state: GatewayState) -> TokenMiddleware {
        TokenMiddleware(
            token: { state.current.config.metrics.token }, unconfigured: nil,
            refusal: "the metrics need Authorization: Bearer <metrics.token>")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let token = token().map(BearerToken.init) else {
            if let unconfigured { return unconfigured.http }
            return try await next(request, context)
        }
        guard token.accepts(authorization: request.headers[.authorization]) else {
            var response = GatewayResponse.error(.unauthorized, refusal).http
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}
