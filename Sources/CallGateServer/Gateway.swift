import AsyncHTTPClient
import CallGateCore
import CallGateKit
import CallGateStore
import Hummingbird
import Logging
import ServiceLifecycle

/// The running gateway (`callgate serve`): the HTTP server and the store, as services of one
/// group. SIGTERM or SIGINT stops accepting, lets in-flight requests finish (each answers only
/// after its commit), then closes the store.
public struct Gateway: Sendable {
    public let service: IngestService
    public let store: any CallStore
    public let config: CallGateConfig
    let logger: Logger

    public init(normalizer: Normalizer, store: any CallStore, logger: Logger) throws(GatewayStartError) {
        self.service = try IngestService(normalizer: normalizer, store: store, logger: logger)
        self.store = store
        self.config = normalizer.config
        self.logger = logger
    }

    /// The routes, for the server and for tests.
    public func router() -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        let service = self.service
        let store = self.store
        router.get("/healthz") { _, _ in
            GatewayResponse(status: 200, body: Array(#"{"status":"ok"}"#.utf8)).http
        }
        router.get("/readyz") { _, _ in
            do {
                try await store.checkWritable()
                return GatewayResponse(status: 200, body: Array(#"{"status":"ready"}"#.utf8)).http
            } catch {
                return GatewayResponse.error(503, "not_ready", "the store cannot take writes").http
            }
        }
        let ingest: @Sendable (Request, GatewayContext) async throws -> Response = { request, context in
            let source = context.parameters.get("source") ?? ""
            let limit = service.maxBodyBytes(for: source) ?? service.maximumBodyBytes
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
                return GatewayResponse.error(
                    413, "body_too_large", "the body is larger than \(limit) bytes (max_body_bytes)"
                ).http
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: limit)
            } catch {
                return GatewayResponse.error(
                    413, "body_too_large", "the body is larger than \(limit) bytes (max_body_bytes)"
                ).http
            }
            let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
            let response = await service.handle(
                IngestHTTPRequest(
                    source: source, method: request.method.rawValue, headers: headers, rawQuery: request.uri.query,
                    body: Array(buffer: body), peer: context.peer))
            return response.http
        }
        router.post("/v1/ingest/:source", use: ingest)
        router.get("/v1/ingest/:source", use: ingest)
        AdminAPI(
            store: store, config: config, token: config.admin.token.map(BearerToken.init), wakeups: service.wakeups
        ).register(on: router)
        return router
    }

    /// Runs until SIGTERM/SIGINT.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            router: router(),
            configuration: .init(
                address: .hostname(config.server.host, port: config.server.port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        // Services stop in reverse order: the server drains first, then the delivery workers finish
        // their attempts, then the HTTP client and the store close.
        let client = DeliveryWorker.makeHTTPClient()
        let workers = DeliveryWorker.workers(
            config: config, store: store, wakeups: service.wakeups, client: client, logger: logger)
        var services: [any Service] = [StoreService(store: store, retention: config.retention, logger: logger)]
        services.append(HTTPClientService(client: client))
        services.append(contentsOf: workers.map { $0 as any Service })
        services.append(app)
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// The request context: Hummingbird's, plus the peer's address for IP allow-lists.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address as text.
    public let peer: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress
    }
}

/// Keeps the store open while the server runs, prunes raw bodies past retention, and closes the
/// store after the server has drained (services stop in reverse order).
struct StoreService: Service {
    let store: any CallStore
    let retention: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let cutoff = Timestamp.now.adding(.zero - retention)
                if let pruned = try? await store.pruneRequests(before: cutoff), pruned > 0 {
                    logger.info("raw request bodies past retention dropped", metadata: ["count": "\(pruned)"])
                }
                try? await Task.sleep(for: .seconds(3600))
            }
        }
        try await store.close()
        logger.info("store closed")
    }
}

/// Shuts the delivery HTTP client down once the workers have stopped.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }
        try await client.shutdown()
    }
}

extension GatewayResponse {
    var http: Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
