import CallGateCore
import CallGateStore
import Hummingbird

/// `/v1/admin/…` (SPEC §6): deliveries and sinks, behind the admin bearer token. Without a
/// configured token the admin API answers 404, as if it did not exist.
struct AdminAPI: Sendable {
    let store: any CallStore
    let config: CallGateConfig
    let token: BearerToken?
    let wakeups: Wakeups

    func register(on router: Router<GatewayContext>) {
        let admin = router.group("/v1/admin")
        admin.get("/deliveries") { request, _ in await guarded(request) { try await listDeliveries(request) } }
        admin.get("/deliveries/:id") { request, context in
            await guarded(request) { try await showDelivery(context.parameters.get("id") ?? "") }
        }
        admin.post("/deliveries/replay") { request, _ in await guarded(request) { try await replay(request) } }
        admin.get("/sinks") { request, _ in await guarded(request) { try await sinks() } }
        admin.post("/sinks/:id/enable") { request, context in
            await guarded(request) { try await setSink(context.parameters.get("id") ?? "", disabled: false) }
        }
        admin.post("/sinks/:id/disable") { request, context in
            await guarded(request) { try await setSink(context.parameters.get("id") ?? "", disabled: true) }
        }
    }

    /// Checks the token, runs `body`, and turns store failures into 503.
    func guarded(_ request: Request, _ body: () async throws -> GatewayResponse) async -> Response {
        guard let token else {
            return GatewayResponse.error(404, "not_found", "the admin API is off: set admin.token").http
        }
        guard token.accepts(authorization: request.headers[.authorization]) else {
            var response = GatewayResponse.error(
                401, "unauthorized", "the admin API needs Authorization: Bearer <admin.token>"
            ).http
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        do {
            return try await body().http
        } catch let error as AdminError {
            return GatewayResponse.error(error.status, error.code, error.message).http
        } catch {
            return GatewayResponse.error(503, "store_unavailable", "the store cannot be read or written").http
        }
    }

    struct AdminError: Error {
        var status: Int
        var code: String
        var message: String
    }

    static func json(_ value: JSONValue, status: Int = 200) -> GatewayResponse {
        GatewayResponse(status: status, body: JSONWriter.compact.bytes(value))
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
        var status: DeliveryStatus?
        if let text = request.uri.queryParameters.get("status") {
            guard let s = DeliveryStatus(rawValue: text) else {
                throw AdminError(status: 400, code: "bad_request", message: "status must be pending, delivered or dead")
            }
            status = s
        }
        let sink = request.uri.queryParameters.get("sink")
        let limit = try Self.number(request, "limit", default: 100, in: 1...1000)
        let after = try Self.number(request, "after", default: 0, in: 0...Int.max)
        let rows = try await store.deliveries(status: status, sink: sink).filter { $0.id > Int64(after) }
        let page = rows.prefix(limit)
        // A stable cursor: the last id of this page (ids only grow).
        let next: JSONValue = rows.count > limit ? .string(String(page.last!.id)) : .null
        return Self.json(["deliveries": .array(page.map { Self.json($0) }), "next": next])
    }

    /// An integer query parameter; an unreadable or out-of-range one is a 400, never a silent
    /// default.
    static func number(_ request: Request, _ name: String, default value: Int, in range: ClosedRange<Int>) throws
        -> Int
    {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw AdminError(
                status: 400, code: "bad_request",
                message: "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func showDelivery(_ text: String) async throws -> GatewayResponse {
        guard let id = Int64(text),
            let row = try await store.deliveries(status: nil, sink: nil).first(where: { $0.id == id })
        else { throw AdminError(status: 404, code: "not_found", message: "no delivery \(text)") }
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
                }
                return [
                    "at": .string(a.at.description), "status_code": a.statusCode.map { .int(Int64($0)) } ?? .null,
                    "latency_ms": .double(a.latencyMilliseconds), "error": a.error.map(JSONValue.string) ?? .null,
                    "result": result, "next_attempt_at": next,
                ]
            })
        return Self.json(.object(json))
    }

    func replay(_ request: Request) async throws -> GatewayResponse {
        let sink = request.uri.queryParameters.get("sink")
        if let sink, !config.sinks.contains(where: { $0.id == sink }) {
            throw AdminError(status: 404, code: "unknown_sink", message: "no sink '\(sink)' is configured")
        }
        var since: Timestamp?
        if let text = request.uri.queryParameters.get("since") {
            do {
                since = try TimeFormat.iso8601.parse(.string(text), zone: nil)
            } catch {
                throw AdminError(status: 400, code: "bad_request", message: "since: \(error.message)")
            }
        }
        let count = try await store.replayDead(sink: sink, since: since, now: .now)
        await wakeups.signalAll()
        return Self.json(["replayed": .int(Int64(count))])
    }

    func sinks() async throws -> GatewayResponse {
        let disabled = Dictionary(uniqueKeysWithValues: try await store.disabledSinks().map { ($0.sink, $0) })
        var out: [JSONValue] = []
        for sink in config.sinks {
            let rows = try await store.deliveries(status: nil, sink: sink.id)
            out.append([
                "id": .string(sink.id), "type": .string(sink.type), "enabled": .bool(disabled[sink.id] == nil),
                "disabled_reason": disabled[sink.id]?.reason.map(JSONValue.string) ?? .null,
                "pending": .int(Int64(rows.filter { $0.status == .pending }.count)),
                "dead": .int(Int64(rows.filter { $0.status == .dead }.count)),
            ])
        }
        return Self.json(["sinks": .array(out)])
    }

    func setSink(_ id: String, disabled: Bool) async throws -> GatewayResponse {
        guard config.sinks.contains(where: { $0.id == id }) else {
            throw AdminError(status: 404, code: "unknown_sink", message: "no sink '\(id)' is configured")
        }
        try await store.setSink(
            id, disabled: disabled, reason: disabled ? "disabled through the admin API" : nil, at: .now)
        if !disabled { await wakeups.signal([id]) }
        return Self.json(["id": .string(id), "enabled": .bool(!disabled)])
    }
}
