import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import Hummingbird

/// The admin API's quarantine, calls and mapping dry-run endpoints.
extension AdminAPI {
    static func json(_ entry: QuarantineEntry, withBody: Bool) -> JSONValue {
        let fields: JSONValue = [
            "id": .int(entry.id), "source": .string(entry.source), "received_at": .string(entry.receivedAt.description),
            "content_type": entry.contentType.map(JSONValue.string) ?? .null,
            "status": .int(Int64(entry.status)), "code": .string(entry.code), "error": .string(entry.error),
            "resolved_at": entry.resolvedAt.map { .string($0.description) } ?? .null,
            "body_bytes": .int(Int64(entry.body.count)),
        ]
        var o = fields.objectValue ?? JSONObject()
        if withBody {
            // The payload as received: text when it is UTF-8, base64 otherwise.
            o["query"] = entry.query.map(JSONValue.string) ?? .null
            if let text = String(validating: entry.body, as: UTF8.self) {
                o["body"] = .string(text)
            } else {
                o["body_base64"] = .string(Base64.encode(entry.body))
            }
        }
        return .object(o)
    }

    func listQuarantine(_ request: Request) async throws -> GatewayResponse {
        var query = QuarantineQuery()
        query.source = request.uri.queryParameters.get("source").map { String($0) }
        query.includeResolved = try Self.flag(request, "resolved")
        let limit = try Self.number(request, "limit", default: 100, in: 1...1000)
        query.limit = limit + 1
        query.after = Int64(try Self.number(request, "after", default: 0, in: 0...Int.max))
        let rows = try await store.quarantined(query)
        return Self.page("quarantine", rows, limit: limit, id: \.id, json: { Self.json($0, withBody: false) })
    }

    func showQuarantine(_ id: Int64) async throws -> GatewayResponse {
        guard let entry = try await store.quarantineEntry(id: id) else {
            throw GatewayError(.notFound, message: "no quarantined payload \(id)")
        }
        return Self.json(Self.json(entry, withBody: true))
    }

    /// Runs one quarantined payload through the current mapping: stored (and resolved) when it maps
    /// now, 422 with the error when it still does not.
    func replayQuarantine(_ id: Int64) async throws -> GatewayResponse {
        guard let entry = try await store.quarantineEntry(id: id) else {
            throw GatewayError(.notFound, message: "no quarantined payload \(id)")
        }
        if entry.resolvedAt != nil {
            throw GatewayError(.alreadyReplayed, message: "quarantined payload \(id) was replayed")
        }
        let service = state.current.service
        var report = Replayer.Report()
        try await Replayer(service: service, history: store).replay(entry, now: .now, into: &report)
        if let failure = report.failed.first {
            throw GatewayError(.unmappablePayload, message: failure.error)
        }
        await service.wakeups.signalAll()
        return Self.json([
            "id": .int(id), "replayed": true, "new_events": .int(Int64(report.newEvents)),
            "unchanged_events": .int(Int64(report.unchangedEvents)),
        ])
    }

    /// A call's merged record and its stored events, newest first.
    func call(_ key: String) async throws -> GatewayResponse {
        guard let record = try await store.call(key: key) else {
            throw GatewayError(.notFound, message: "no call '\(key)'")
        }
        let events = try await store.events(callKey: key, limit: 1000)
        return Self.json(["call_key": .string(key), "call": record.json, "events": .array(events.map(\.json))])
    }

    /// `POST /v1/admin/map?source=ID[&query=…]`: the events the body would produce, as
    /// `callgate map` prints them, and what each sink they are routed to would be sent
    /// (`deliveries`, `OutboundPreview`). Nothing is stored or delivered, and the source's
    /// authentication is not checked (the admin token stands for it).
    func map(_ request: Request, _ context: GatewayContext) async throws -> GatewayResponse {
        guard let id = request.uri.queryParameters.get("source").map({ String($0) }) else {
            throw GatewayError.badRequest("source is required: POST /v1/admin/map?source=ID")
        }
        let service = state.current.service
        guard let source = service.sources[id] else {
            throw GatewayError(.unknownSource, message: "no source '\(id)' is configured")
        }
        let limit = source.maxBodyBytes
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw GatewayError(
                .bodyTooLarge, message: "the body is larger than \(limit) bytes (max_body_bytes)")
        }
        let ingest = MapRequest.raw(
            body: Array(buffer: body), query: request.uri.queryParameters.get("query").map { String($0) },
            contentType: request.headers[.contentType], limits: service.limits)
        let events: [CallEvent]
        do throws(SourcePipeline.NormalizeError) {
            guard case .events(let mapped) = try source.pipeline.normalize(ingest, receivedAt: Timestamp.now).outcome
            else {
                return Self.json(["handshake": true, "events": []])
            }
            events = mapped
        } catch {
            throw error.error
        }
        // The sinks' previews see each call as the store holds it, merged with this payload's
        // events (as a delivery would), not as the payload alone says it.
        var merged: [CallEvent] = []
        for event in events {
            var copy = event
            let stored = try? await store.call(key: event.call.callKey)
            copy.call = CallMerge.merge(
                merged.last { $0.call.callKey == event.call.callKey }?.call ?? stored, with: event.call)
            merged.append(copy)
        }
        return Self.json([
            "events": .array(events.map(\.json)),
            "deliveries": .array(OutboundPreview.entries(for: merged, sinks: state.current.config.sinks)),
        ])
    }
}
