import CallGateAuth
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import HTTPTypes
import Logging

/// One configured source, ready to take requests.
package struct IngestSource: Sendable {
    package let pipeline: SourcePipeline
    package let authenticator: SourceAuthenticator
    package let maxBodyBytes: Int
    /// Whether a credential can be checked without reading the body (so a malformed body can be
    /// attributed to an authenticated sender and quarantined).
    let payloadOnlyAuth: Bool

    /// Whether credentials are checked before the body is parsed: when none is read from the
    /// payload and the vendor has no handshake that comes without them.
    var authenticatesFirst: Bool {
        !authenticator.readsPayload && !pipeline.adapter.answersHandshakes
    }
}

/// The ingest path, independent of the HTTP library: source lookup, size and content checks,
/// authentication, the adapter and mapping, quarantine, and the durable commit before the answer.
public struct IngestService: Sendable {
    package let sources: [String: IngestSource]
    let store: any IngestStore
    let routes: SinkRoutes
    let logger: Logger
    let metrics: GatewayMetrics
    let now: @Sendable () -> Timestamp
    /// Members per object and fields per form (`server.max_object_members`, `max_form_fields`).
    package let limits: InputLimits
    /// Standard Webhooks ids accepted recently (kept across reloads).
    package let seenWebhookIDs: SeenWebhookIDs
    /// Wakes the delivery workers of the sinks new events are routed to.
    public let wakeups: Wakeups

    /// - Throws: `GatewayStartError` for settings that cannot run (bad CIDR, a source without auth
    ///   on a non-loopback address).
    public init(
        normalizer: Normalizer, store: any IngestStore, logger: Logger, metrics: GatewayMetrics = GatewayMetrics(),
        now: @escaping @Sendable () -> Timestamp = { Timestamp.now }, seenWebhookIDs: SeenWebhookIDs = SeenWebhookIDs()
    ) throws(GatewayStartError) {
        self.seenWebhookIDs = seenWebhookIDs
        wakeups = Wakeups(sinks: normalizer.config.sinks.map(\.id))
        let server = normalizer.config.server
        var sources: [String: IngestSource] = [:]
        for pipeline in normalizer.pipelines {
            let config = pipeline.config
            let authenticator: SourceAuthenticator
            do {
                authenticator = try SourceAuthenticator(
                    config.auth, trustedProxies: server.trustedProxies, adapter: pipeline.adapter)
            } catch {
                throw GatewayStartError(
                    message:
                        "\(config.location.file):\(config.location.line):\(config.location.column): source '\(config.id)': \(error.message)"
                )
            }
            if authenticator.isOpen {
                guard Self.isLoopback(server.host) else {
                    throw GatewayStartError(
                        message:
                            "source '\(config.id)' has no auth, and the server binds \(server.host), which is not a loopback address: add auth to the source (Docs/authentication.md) or bind 127.0.0.1"
                    )
                }
                logger.warning(
                    "source accepts requests without authentication (allowed only while binding a loopback address)",
                    metadata: ["source": .string(config.id)])
            }
            let auth = config.auth
            let headerAuth =
                auth.map {
                    !$0.bearer.isEmpty || !$0.basic.isEmpty || $0.queryKey != nil || !$0.standardWebhooks.isEmpty
                        || $0.hmac != nil || $0.vendorSignature != nil
                } ?? false
            sources[config.id] = IngestSource(
                pipeline: pipeline, authenticator: authenticator,
                maxBodyBytes: config.maxBodyBytes ?? server.maxBodyBytes,
                payloadOnlyAuth: auth?.payloadSecret != nil && !headerAuth)
        }
        self.sources = sources
        self.store = store
        self.routes = SinkRouting.routes(normalizer.config.sinks)
        self.logger = logger
        self.metrics = metrics
        self.now = now
        self.limits = server.input
    }

    /// `localhost`, `127.0.0.0/8` or `::1` (parsed, so `127.example.com` is not loopback).
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" { return true }
        guard let address = IPAddress(host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host) else {
            return false
        }
        return (try? IPNetwork("127.0.0.0/8"))?.contains(address) == true
            || (try? IPNetwork("::1/128"))?.contains(address) == true
    }

    /// The largest body any source accepts (the HTTP layer stops reading beyond it).
    public var maximumBodyBytes: Int { sources.values.map(\.maxBodyBytes).max() ?? 1_048_576 }

    package func allowsGET(_ source: String) -> Bool { sources[source]?.pipeline.adapter.acceptsGET == true }

    /// A configured source that takes the request's method: what the HTTP layer gets before it
    /// reads the body, which it must bound by `maxBodyBytes` (the source's `max_body_bytes`).
    public struct AdmittedSource: Sendable {
        let source: IngestSource
        public var maxBodyBytes: Int { source.maxBodyBytes }
    }
    public enum Admission: Sendable {
        case admitted(AdmittedSource)
        case refused(GatewayResponse)
    }

    /// The checks made before the body is read: a configured source (else 404) that takes the
    /// method (POST; GET too for BIZTEL; else 405).
    public func admit(source: String, method: HTTPRequest.Method) -> Admission {
        guard let admitted = sources[source] else {
            return .refused(.error(.unknownSource, "no source '\(source)' is configured"))
        }
        if method == .get, !allowsGET(source) {
            return .refused(.error(.methodNotAllowed, "source '\(source)' takes POST"))
        }
        return .admitted(AdmittedSource(source: admitted))
    }

    /// The answer to a body larger than `limit` bytes (413).
    public static func tooLarge(_ limit: Int) -> GatewayResponse {
        .error(.bodyTooLarge, "the body is larger than \(limit) bytes (max_body_bytes)")
    }

    /// Handles one request. Never throws: every failure is an answer with a stable code. `logger`
    /// is the request's (it carries the request id).
    public func handle(_ request: InboundRequest, source: String, logger: Logger? = nil) async -> GatewayResponse {
        let response: GatewayResponse
        switch admit(source: source, method: request.method) {
        case .refused(let refusal): response = refusal
        case .admitted(let admitted) where request.body.count > admitted.maxBodyBytes:
            response = Self.tooLarge(admitted.maxBodyBytes)
        case .admitted(let admitted):
            return await handle(request, source: source, admitted: admitted, logger: logger)
        }
        count(response, source: source, logger: logger)
        return response
    }

    /// `handle` for a request the HTTP layer admitted with `admit` and whose body it read within
    /// the source's `maxBodyBytes`.
    public func handle(
        _ request: InboundRequest, source: String, admitted: AdmittedSource, logger: Logger? = nil
    ) async -> GatewayResponse {
        let logger = logger ?? self.logger
        let response = await process(request, admitted.source, logger: logger)
        count(response, source: source, logger: logger)
        return response
    }

    /// Logs and counts an answer (also for those the HTTP layer gives before `handle`). Only
    /// configured source ids become label values.
    public func count(_ response: GatewayResponse, source: String, logger: Logger? = nil) {
        var metadata: Logger.Metadata = ["source": .string(source), "status": .stringConvertible(response.status)]
        if let code = response.code { metadata["code"] = .string(code) }
        (logger ?? self.logger).info("ingest", metadata: metadata)
        metrics.ingestRequest(source: sources[source] == nil ? "unknown" : source, status: response.status)
    }

    func process(_ request: InboundRequest, _ source: IngestSource, logger: Logger) async -> GatewayResponse {
        let receivedAt = now()
        let id = source.pipeline.config.id
        var request = request
        request.limits = limits
        // The query as authentication reads it (an unreadable one is refused by `normalize`, and
        // handled like an unreadable body: kept when the sender is authenticated by other means).
        var authRequest = request
        authRequest.query = (try? FormURLEncoding.decode(request.rawQuery ?? "", maxFields: limits.maxFormFields)) ?? []
        // Nothing is parsed for a client outside `allow_ips`, nor, where credentials do not come
        // in the payload, for one without them.
        if let failure = ipFailure(source, authRequest) { return failure }
        if source.authenticatesFirst, let failure = authFailure(source, authRequest, receivedAt, logger) {
            return failure
        }
        // A Standard Webhooks id accepted within the tolerance window is answered as before.
        let webhookID =
            source.authenticator.usesStandardWebhooks && source.authenticatesFirst ? request.header("webhook-id") : nil
        if let webhookID,
            let answer = seenWebhookIDs.answer(source: id, id: webhookID, now: receivedAt)
        {
            logger.info(
                "webhook-id seen before; answered as a duplicate", metadata: ["source": .string(id)])
            metrics.duplicate(source: id)
            return GatewayResponse(status: 200, body: answer)
        }
        let contentType = request.contentType
        // Where credentials come in the payload, they are checked on the input, before mapping.
        let authenticate: ((MappingInput) throws(GatewayError) -> Void)? =
            source.authenticatesFirst
            ? nil
            : { input throws(GatewayError) in
                var authenticated = authRequest
                if source.authenticator.readsPayload { authenticated.payload = input.json }
                try source.authenticator.authenticate(authenticated, now: receivedAt)
            }
        let normalized: SourcePipeline.Normalized
        do throws(SourcePipeline.NormalizeError) {
            normalized = try source.pipeline.normalize(request, receivedAt: receivedAt, authenticate: authenticate)
        } catch {
            switch error.failure {
            case .refused(let failure):
                return reject(failure, source: id, logger)
            case .unmappable(let failure):
                return await quarantine(
                    request, source: id, contentType, query: error.query, receivedAt, failure, logger: logger)
            case .unreadable(let failure):
                if failure.kind == .unsupportedMediaType { return .error(failure) }
                // A malformed body is kept only when its sender is authenticated without reading it.
                if !source.authenticatesFirst {
                    do throws(GatewayError) {
                        try source.authenticator.authenticate(authRequest, now: receivedAt)
                    } catch let refusal {
                        if !source.payloadOnlyAuth || refusal.status == 403 {
                            return reject(refusal, source: id, logger)
                        }
                        return .error(failure)
                    }
                }
                return await quarantine(
                    request, source: id, contentType, query: error.query, receivedAt, failure, logger: logger)
            }
        }
        let events: [CallEvent]
        switch normalized.outcome {
        case .handshake(let answer):
            // A handshake stores nothing and needs no credential; the IP allow-list applied.
            return GatewayResponse(status: answer.status, contentType: answer.contentType, body: answer.body)
        case .events(let mapped):
            events = mapped
        }
        let record = IngestRecord(
            source: id, receivedAt: receivedAt, contentType: contentType,
            query: normalized.query, body: request.body, events: events, routes: routes)
        let outcome: IngestOutcome
        let started = ContinuousClock.now
        do {
            outcome = try await store.ingest(record)
            metrics.storeCommit(ContinuousClock.now - started)
        } catch {
            // Store errors carry no statement arguments, so no payload or secret.
            logger.error(
                "store write failed", metadata: ["source": .string(id), "error": "\(error)"])
            return .error(.storeUnavailable, "the request could not be stored; retry later")
        }
        if outcome.isDuplicate {
            metrics.duplicate(source: id)
        } else {
            metrics.eventsStored(
                source: id, types: outcome.events.filter { !$0.duplicate }.map(\.type.rawValue))
            await wakeups.signal(outcome.sinks)
        }
        if let webhookID, !outcome.events.isEmpty {
            var again = outcome
            for i in again.events.indices { again.events[i].duplicate = true }
            seenWebhookIDs.remember(
                source: id, id: webhookID, answer: Self.acceptance(again), now: receivedAt)
        }
        return GatewayResponse(status: 200, body: Self.acceptance(outcome))
    }

    func ipFailure(_ source: IngestSource, _ request: InboundRequest) -> GatewayResponse? {
        do {
            try source.authenticator.checkAddress(request)
            return nil
        } catch {
            return .error(error.kind, error.answer)
        }
    }

    func authFailure(_ source: IngestSource, _ request: InboundRequest, _ now: Timestamp, _ logger: Logger)
        -> GatewayResponse?
    {
        do {
            try source.authenticator.authenticate(request, now: now)
            return nil
        } catch {
            return reject(error, source: source.pipeline.config.id, logger)
        }
    }

    /// The answer to a refused request: generic for a 401; the detail goes to the log only.
    func reject(_ failure: GatewayError, source: String, _ logger: Logger) -> GatewayResponse {
        logger.notice(
            "request refused", metadata: ["source": .string(source), "reason": .string(failure.message)])
        return .error(failure.kind, failure.answer)
    }

    func quarantine(
        _ request: InboundRequest, source: String, _ contentType: String?, query: String?, _ receivedAt: Timestamp,
        _ error: GatewayError, logger: Logger
    ) async -> GatewayResponse {
        let entry = QuarantineEntry(
            source: source, receivedAt: receivedAt, contentType: contentType,
            query: query, body: request.body, status: error.status, code: error.code,
            error: error.message)
        do {
            let id = try await store.quarantine(entry)
            metrics.quarantined(source: source)
            var response = GatewayResponse.error(error)
            response.body = JSONWriter.compact.bytes([
                "error": [
                    "code": .string(error.code), "message": .string(error.message), "quarantine_id": .int(id),
                ]
            ])
            return response
        } catch {
            logger.error(
                "quarantine write failed", metadata: ["source": .string(source), "error": "\(error)"])
            return .error(.storeUnavailable, "the request could not be stored; retry later")
        }
    }

    /// `{"status":"accepted","id":…,"call_key":…,"events":[…]}`: `id` and `call_key` of the first
    /// event come first, so BIZTEL's extraction pattern `"call_key":"(?P<CALL_KEY>[^"]+)"` finds
    /// them.
    static func acceptance(_ outcome: IngestOutcome) -> [UInt8] {
        var o = JSONObject()
        o["status"] = .string(outcome.events.isEmpty ? "ignored" : (outcome.isDuplicate ? "duplicate" : "accepted"))
        if let first = outcome.events.first {
            o["id"] = .string(first.id)
            o["call_key"] = .string(first.callKey)
        }
        o["events"] = .array(
            outcome.events.map { stored in
                [
                    "id": .string(stored.id), "type": .string(stored.type.rawValue),
                    "call_key": .string(stored.callKey), "revision": .int(Int64(stored.revision)),
                    "duplicate": .bool(stored.duplicate),
                ]
            })
        return JSONWriter.compact.bytes(.object(o))
    }
}

/// Settings the gateway cannot start with.
public struct GatewayStartError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
