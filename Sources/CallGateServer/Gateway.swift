import AsyncHTTPClient
import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The running gateway (`callgate serve`): the HTTP server, the delivery workers, retention, reload
/// and the store, as services of one group. SIGTERM or SIGINT stops accepting, lets in-flight
/// requests finish (each answers only after its commit), lets the workers finish their attempts,
/// then closes the store. SIGHUP reloads the configuration.
public struct Gateway: Sendable {
    public let state: GatewayState
    public let store: any CallStore
    public let metrics: GatewayMetrics
    /// Whether the delivery workers run (readiness).
    public let workers: WorkerBoard
    let logger: Logger

    public init(
        normalizer: Normalizer, store: any CallStore, logger: Logger, metrics: GatewayMetrics = GatewayMetrics()
    ) throws(GatewayStartError) {
        let service = try IngestService(normalizer: normalizer, store: store, logger: logger, metrics: metrics)
        self.state = GatewayState(GatewayRuntime(config: normalizer.config, service: service, generation: 1))
        self.store = store
        self.metrics = metrics
        self.workers = WorkerBoard()
        self.logger = logger
    }

    /// The ingest service new requests use.
    public var service: IngestService { state.current.service }
    /// The configuration new requests use.
    public var config: CallGateConfig { state.current.config }

    /// Loads the configuration again with `load` and, when it loads and can run, makes new requests
    /// use it (requests in flight finish with the old one; the delivery workers restart on it).
    /// Otherwise the old configuration stays active and the error (with file:line:column) is
    /// logged and returned.
    @discardableResult
    public func reload(_ load: () throws -> Normalizer) -> String? {
        let old = state.current
        do {
            let normalizer = try load()
            let service = try IngestService(
                normalizer: normalizer, store: store, logger: logger, metrics: metrics,
                seenWebhookIDs: old.service.seenWebhookIDs)
            let new = normalizer.config
            if new.server.host != old.config.server.host || new.server.port != old.config.server.port
                || new.store != old.config.store
            {
                logger.warning("server.host, server.port and store take effect only after a restart")
            }
            state.install(GatewayRuntime(config: new, service: service, generation: old.generation + 1))
            LogOutput.level.value = Logger.Level(rawValue: new.log.level) ?? .info
            if new.log.format != old.config.log.format {
                logger.warning("log.format takes effect only after a restart")
            }
            metrics.reload(succeeded: true)
            logger.notice(
                "configuration reloaded",
                metadata: [
                    "generation": "\(old.generation + 1)", "sources": "\(new.sources.count)",
                    "sinks": "\(new.sinks.count)",
                ])
            return nil
        } catch {
            let message = "\(error)"
            state.refuse(message)
            metrics.reload(succeeded: false)
            logger.error(
                "configuration reload refused; the previous configuration stays active",
                metadata: ["error": .string(message)])
            return message
        }
    }

    /// Runs the delivery workers of the configuration in use (restarting them on reload) until the
    /// task is cancelled: what `run` does for delivery, for tests and tools.
    public func runDelivery(client: HTTPClient) async throws {
        try await DeliverySupervisor(
            state: state, store: store, client: client, metrics: metrics, board: workers, logger: logger
        ).run()
    }

    /// The routes, for the server and for tests.
    public func router() -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        router.middlewares.add(RequestIDMiddleware(logger: logger))
        let state = self.state
        let store = self.store
        let metrics = self.metrics
        let health = Health(state: state, store: store, workers: workers)
        router.get("/healthz") { _, _ in
            GatewayResponse(status: 200, body: Array(#"{"status":"ok"}"#.utf8)).http
        }
        router.get("/readyz") { _, _ in await health.readiness().http }
        // With `metrics.token` set, only a scraper presenting it gets the metrics.
        router.group("/metrics").add(middleware: TokenMiddleware.metrics(state)).get { _, context in
            do {
                let sinks = state.current.config.sinks.map(\.id)
                metrics.outbox(try await store.outboxStats(), sinks: sinks, now: .now)
            } catch {
                context.requestLogger.error("cannot read the outbox for metrics", metadata: ["error": "\(error)"])
            }
            return GatewayResponse(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.render()
            ).http
        }
        let ingest: @Sendable (Request, GatewayContext) async throws -> Response = { request, context in
            // The configuration at the start of the request serves it to the end, across a reload.
            let service = state.current.service
            let source = context.parameters.get("source") ?? ""
            // An unknown source (404) or a refused method (405) is answered before the body is read.
            let admitted: IngestService.AdmittedSource
            switch service.admit(source: source, method: request.method) {
            case .refused(let refusal):
                service.count(refusal, source: source, logger: context.requestLogger)
                return refusal.http
            case .admitted(let value):
                admitted = value
            }
            let limit = admitted.maxBodyBytes
            let tooLarge = IngestService.tooLarge(limit)
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
                service.count(tooLarge, source: source)
                return tooLarge.http
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: limit)
            } catch is NIOTooManyBytesError {
                service.count(tooLarge, source: source)
                return tooLarge.http
            } catch {
                // Cut off by `server.body_timeout` (the connection has already been answered 408
                // and is closing) or the client went away: nothing to store.
                let cut = GatewayResponse.error(.bodyTimeout, "the request body did not arrive in time")
                service.count(cut, source: source)
                return cut.http
            }
            let response = await service.handle(
                InboundRequest(
                    method: request.method, headers: request.headers, rawQuery: request.uri.query,
                    body: Array(buffer: body), peer: context.peer),
                source: source, admitted: admitted, logger: context.requestLogger)
            return response.http
        }
        router.post("/v1/ingest/:source", use: ingest)
        router.get("/v1/ingest/:source", use: ingest)
        AdminAPI(state: state, store: store).register(on: router)
        return router
    }

    /// Runs until SIGTERM/SIGINT. With `reload`, SIGHUP loads the configuration again with it.
    public func run(
        reload load: (@Sendable () throws -> Normalizer)? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let config = self.config
        // Timeouts and the connection bound take effect at start-up (a reload keeps them).
        let limits = ConnectionLimits(config.server.limits, metrics: metrics)
        let app = Application(
            router: router(),
            server: limits.server,
            configuration: .init(
                address: .hostname(config.server.host, port: config.server.port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        // Services stop in reverse order: the server drains first, then reloads and retention stop,
        // the delivery workers finish their attempts, and the HTTP client and the store close; a
        // store that is a service itself (PostgreSQL's connection pool) runs first and stops last.
        let client = DeliveryWorker.makeHTTPClient()
        var services: [any Service] = (store as? any Service).map { [$0] } ?? []
        services += [
            StoreService(store: store, logger: logger),
            HTTPClientService(client: client),
            DeliverySupervisor(
                state: state, store: store, client: client, metrics: metrics, board: workers, logger: logger),
            RetentionService(state: state, store: store, metrics: metrics, logger: logger),
        ]
        if let load { services.append(ReloadService(gateway: self, load: load)) }
        services.append(app)
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// The request context: Hummingbird's, plus the peer's address for IP allow-lists and the
/// gateway's logger carrying the request id.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address as text.
    public let peer: String?
    /// Set by `RequestIDMiddleware`: the gateway's logger with `request_id`.
    public var requestLogger: Logger

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress
        requestLogger = Logger(label: "callgate")
    }
}

/// Keeps the store open while the server runs and closes it after everything else has stopped
/// (services stop in reverse order).
struct StoreService: Service {
    let store: any CallStore
    let logger: Logger

    func run() async throws {
        // Until the group shuts down (or is cancelled, which ends the wait with an error).
        try? await gracefulShutdown()
        try await store.close()
        logger.info("store closed")
    }
}

/// Shuts the delivery HTTP client down once the workers have stopped.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        // Until the group shuts down (or is cancelled, which ends the wait with an error).
        try? await gracefulShutdown()
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
