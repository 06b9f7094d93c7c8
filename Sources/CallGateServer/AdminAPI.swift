import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import Hummingbird

/// `/v1/admin/…` (Docs/gateway.md, `Docs/openapi.yaml`): deliveries, quarantine, sinks, calls and
/// a mapping dry run, behind the admin bearer token. Without a configured token the admin API
/// answers 404, as if it did not exist. Lists are pages in id order with a stable cursor: `next` is
/// the last id of the page, passed back as `after`.
struct AdminAPI: Sendable {
    let state: GatewayState
    let store: any StoreAdministration

    var config: CallGateConfig { state.current.config }

    func register(on router: Router<GatewayContext>) {
        let admin = router.group("/v1/admin").add(middleware: TokenMiddleware.admin(state))
            .add(middleware: RefusalMiddleware())
        admin.get("/deliveries") { request, _ in try await listDeliveries(request).http }
        admin.get("/deliveries/:id") { _, context in try await showDelivery(try Self.id(context)).http }
        admin.post("/deliveries/:id/replay") { _, context in try await replayDelivery(try Self.id(context)).http }
        admin.post("/deliveries/replay") { request, _ in try await replayDead(request).http }
        admin.get("/quarantine") { request, _ in try await listQuarantine(request).http }
        admin.get("/quarantine/:id") { _, context in try await showQuarantine(try Self.id(context)).http }
        admin.post("/quarantine/:id/replay") { _, context in try await replayQuarantine(try Self.id(context)).http }
        admin.get("/sinks") { _, _ in try await sinks().http }
        admin.post("/sinks/:id/enable") { _, context in
            try await setSink(context.parameters.get("id") ?? "", disabled: false).http
        }
        admin.post("/sinks/:id/disable") { _, context in
            try await setSink(context.parameters.get("id") ?? "", disabled: true).http
        }
        admin.get("/calls/:call_key") { _, context in try await call(context.parameters.get("call_key") ?? "").http }
        admin.post("/map") { request, context in try await map(request, context).http }
    }

    /// Turns what a handler throws into its answer: a `GatewayError` as itself, anything else (the
    /// store failing) as 503. Runs after `TokenMiddleware`, so only for authenticated requests.
    struct RefusalMiddleware: RouterMiddleware {
        typealias Context = GatewayContext

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
            async throws -> Response
        {
            do {
                return try await next(request, context)
            } catch let error as GatewayError {
                return GatewayResponse.error(error).http
            } catch {
                return GatewayResponse.error(.storeUnavailable, "the store cannot be read or written").http
            }
        }
    }

    static func json(_ value: JSONValue, status: Int = 200) -> GatewayResponse {
        GatewayResponse(status: status, body: JSONWriter.compact.bytes(value))
    }

    /// The `:id` path parameter as a row id.
    static func id(_ context: GatewayContext) throws -> Int64 {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else { throw GatewayError.badRequest("the id must be a positive integer") }
        return id
    }

    /// An integer query parameter; an unreadable or out-of-range one is a 400, never a silent
    /// default.
    static func number(_ request: Request, _ name: String, default value: Int, in range: ClosedRange<Int>) throws
        -> Int
    {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw GatewayError.badRequest("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A `true`/`false` query parameter.
    static func flag(_ request: Request, _ name: String) throws -> Bool {
        switch request.uri.queryParameters.get(name) {
        case nil, "false": false
        case "true": true
        default: throw GatewayError.badRequest("\(name) must be true or false")
        }
    }

    /// A page of at most `limit` rows from `rows` (fetched with one row more than `limit`, to know
    /// whether another page follows) and its cursor: `next`, the last id of the page, is set when
    /// more rows follow.
    static func page<Row>(
        _ key: String, _ rows: [Row], limit: Int, id: (Row) -> Int64, json: (Row) -> JSONValue
    ) -> GatewayResponse {
        let page = rows.prefix(limit)
        let next: JSONValue = rows.count > limit ? page.last.map { .string(String(id($0))) } ?? .null : .null
        return Self.json([key: .array(page.map(json)), "next": next])
    }

    static func json(_ delivery: Delivery) -> JSONValue {
        [
            "id": .int(delivery.id), "event_id": .string(delivery.eventId), "sink": .string(delivery.sink),
            "status": .string(delivery.status.rawValue), "attempts": .int(Int64(delivery.attempts)),
            "next_attempt_at": .string(delivery.nextAttemptAt.description),
            "last_error": delivery.lastError.map(JSONValue.string) ?? .null,
            "created_at": .string(delivery.createdAt.description),
        ]
    }

    func listDeliveries(_ request: Request) async throws -> GatewayResponse {
        var query = DeliveryQuery()
        if let text = request.uri.queryParameters.get("status") {
            guard let status = DeliveryStatus(rawValue: text) else {
                throw GatewayError.badRequest("status must be pending, delivered or dead")
            }
            query.status = status
        }
        query.sink = request.uri.queryParameters.get("sink").map { String($0) }
        query.eventId = request.uri.queryParameters.get("event_id").map { String($0) }
        let limit = try Self.number(request, "limit", default: 100, in: 1...1000)
        query.limit = limit + 1
        query.after = Int64(try Self.number(request, "after", default: 0, in: 0...Int.max))
        let rows = try await store.deliveries(query)
        return Self.page("deliveries", rows, limit: limit, id: \.id, json: { Self.json($0) })
    }

    func showDelivery(_ id: Int64) async throws -> GatewayResponse {
        guard let row = try await store.delivery(id: id) else {
            throw GatewayError(.notFound, message: "no delivery \(id)")
        }
        var json = Self.json(row).objectValue ?? JSONObject()
        json["attempts_made"] = .array(
            try await store.attempts(delivery: id).map { a in
                var result: JSONValue = "delivered"
                var next: JSONValue = .null
                switch a.result {
                case .delivered: break
                case .dead: result = "dead"
                case .retry(let at):
                    result = "retry"
                    next = .string(at.description)
                case .deferred(let until):
                    result = "deferred"
                    next = .string(until.description)
                }
                return [
                    "at": .string(a.at.description), "status_code": a.statusCode.map { .int(Int64($0)) } ?? .null,
                    "latency_ms": .double(a.latencyMilliseconds), "error": a.error.map(JSONValue.string) ?? .null,
                    "result": result, "next_attempt_at": next,
                ]
            })
        return Self.json(.object(json))
    }

    /// Sends one row again now, whatever its status (a delivered one is delivered again).
    func replayDelivery(_ id: Int64) async throws -> GatewayResponse {
        guard let row = try await store.replayDelivery(id: id, now: .now) else {
            throw GatewayError(.notFound, message: "no delivery \(id)")
        }
        await state.current.service.wakeups.signal([row.sink])
        return Self.json(Self.json(row))
    }

    /// Puts dead rows back in the queue, filtered by sink and creation time.
    func replayDead(_ request: Request) async throws -> GatewayResponse {
        let sink = request.uri.queryParameters.get("sink").map { String($0) }
        if let sink, !config.sinks.contains(where: { $0.id == sink }) {
            throw GatewayError(.unknownSink, message: "no sink '\(sink)' is configured")
        }
        var since: Timestamp?
        if let text = request.uri.queryParameters.get("since") {
            guard let time = Timestamp(rfc3339: String(text)) else {
                throw GatewayError.badRequest(
                    "since must be an RFC 3339 time with its offset, e.g. 2026-11-01T00:00:00Z")
            }
            since = time
        }
        let count = try await store.replayDead(sink: sink, since: since, now: .now)
        await state.current.service.wakeups.signalAll()
        return Self.json(["replayed": .int(Int64(count))])
    }

    func sinks() async throws -> GatewayResponse {
        let disabled = Dictionary(uniqueKeysWithValues: try await store.disabledSinks().map { ($0.sink, $0) })
        let stats = Dictionary(uniqueKeysWithValues: try await store.outboxStats().map { ($0.sink, $0) })
        let out: [JSONValue] = config.sinks.map { sink in
            [
                "id": .string(sink.id), "type": .string(sink.type.rawValue), "enabled": .bool(disabled[sink.id] == nil),
                "disabled_reason": disabled[sink.id]?.reason.map(JSONValue.string) ?? .null,
                "pending": .int(Int64(stats[sink.id]?.pending ?? 0)),
                "oldest_pending_at": stats[sink.id]?.oldestPending.map { .string($0.description) } ?? .null,
                "dead": .int(Int64(stats[sink.id]?.dead ?? 0)),
            ]
        }
        return Self.json(["sinks": .array(out)])
    }

    func setSink(_ id: String, disabled: Bool) async throws -> GatewayResponse {
        guard config.sinks.contains(where: { $0.id == id }) else {
            throw GatewayError(.unknownSink, message: "no sink '\(id)' is configured")
        }
        try await store.setSink(
            id, disabled: disabled, reason: disabled ? "disabled through the admin API" : nil, at: .now)
        if !disabled { await state.current.service.wakeups.signal([id]) }
        return Self.json(["id": .string(id), "enabled": .bool(!disabled)])
    }
}
