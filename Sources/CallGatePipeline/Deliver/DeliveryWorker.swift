import AsyncHTTPClient
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Foundation
import Logging
import ServiceLifecycle

/// Delivers one sink's outbox rows (Docs/delivery.md): up to `concurrency` at a time, each attempt
/// recorded, retried on the sink's schedule. Every sink has its own worker, so a slow or failing
/// sink never delays the others. Rows left pending by a restart are picked up on start. The
/// `DeliverySupervisor` runs the workers of the configuration in use.
package struct DeliveryWorker: Sendable {
    let sink: CallGateConfig.Sink
    let store: any Outbox
    let sender: any SinkSender
    let policy: RetryPolicy
    let wakeup: Wakeup
    let logger: Logger
    let metrics: GatewayMetrics
    /// The longest idle wait between looks at the outbox.
    let pollInterval: Duration
    /// Fetches recordings and uploads them (sinks with `recording:`).
    let recordings: RecordingRelay?
    /// Each source's `recording_auth`, by source id.
    let recordingAuth: [String: CallGateConfig.RecordingAuth]

    init(
        sink: CallGateConfig.Sink, store: any Outbox, sender: any SinkSender, wakeup: Wakeup, logger: Logger,
        metrics: GatewayMetrics, pollInterval: Duration = .seconds(1), recordings: RecordingRelay? = nil,
        recordingAuth: [String: CallGateConfig.RecordingAuth] = [:]
    ) {
        self.recordings = recordings
        self.recordingAuth = recordingAuth
        self.sink = sink
        self.store = store
        self.sender = sender
        self.policy = Self.policy(for: sink)
        self.wakeup = wakeup
        self.logger = logger
        self.metrics = metrics
        self.pollInterval = pollInterval
    }

    /// The sink's retry policy: the default schedule, or `retry.schedule` after an immediate first
    /// attempt.
    static func policy(for sink: CallGateConfig.Sink) -> RetryPolicy {
        RetryPolicy(
            schedule: sink.retrySchedule.map { [.zero] + $0 } ?? RetryPolicy.defaultSchedule,
            maxRetryAfter: sink.maxRetryAfter)
    }

    /// The HTTP client deliveries share: redirects are not followed (a 3xx is a failed attempt),
    /// and a connection that cannot be made fails the attempt at once, so the sink's retry schedule
    /// (not the client's own reconnection backoff) decides when to try again.
    public static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The sinks' workers, sharing one HTTP client.
    static func workers(
        config: CallGateConfig, store: any Outbox, wakeups: Wakeups, client: HTTPClient, logger: Logger,
        metrics: GatewayMetrics
    ) -> [DeliveryWorker] {
        var recordingAuth: [String: CallGateConfig.RecordingAuth] = [:]
        for source in config.sources { recordingAuth[source.id] = source.recordingAuth }
        return config.sinks.map { sink in
            let sender: any SinkSender
            switch sink.type {
            case .file:
                // Resolved against the configuration file's directory when it was loaded.
                sender = FileSinkSender(path: sink.path ?? "")
            case .http:
                sender = HTTPSinkSender(
                    url: sink.url ?? "", timeout: sink.timeout, client: client,
                    oauth2: sink.auth?.oauth2.map {
                        OAuth2TokenCache(settings: $0, client: client, timeout: sink.timeout)
                    })
            }
            var sinkLogger = logger
            sinkLogger[metadataKey: "sink"] = .string(sink.id)
            return DeliveryWorker(
                sink: sink, store: store, sender: sender, wakeup: wakeups.bySink[sink.id] ?? Wakeup(),
                logger: sinkLogger, metrics: metrics, recordings: RecordingRelay(client: client),
                recordingAuth: recordingAuth)
        }
    }

    /// A file sink keeps its lines in order: one at a time.
    var concurrency: Int {
        switch sink.type {
        case .file: 1
        case .http: sink.concurrency
        }
    }

    /// Delivers until `stopping` is set, then waits for the attempts in flight.
    func run(until stopping: StopFlag) async {
        let inFlight = InFlight()
        await withDiscardingTaskGroup { group in
            var disabledChecked = ContinuousClock.now - .seconds(60)
            var disabled = false
            while !stopping.isSet, !Task.isCancelled {
                if await inFlight.takeDisabledFlag() || ContinuousClock.now - disabledChecked >= .seconds(1) {
                    disabled = (try? await store.disabledSinks().contains { $0.sink == sink.id }) ?? false
                    disabledChecked = ContinuousClock.now
                }
                if disabled {
                    await wakeup.wait(upTo: pollInterval)
                    continue
                }
                let busy = await inFlight.ids
                let free = concurrency - busy.count
                var due: [DueDelivery] = []
                if free > 0 {
                    do {
                        due = try await store.dueDeliveries(
                            sink: sink.id, now: .now, limit: free, excluding: busy,
                            perCall: sink.effectiveOrder == .perCall)
                    } catch {
                        logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
                    }
                }
                for row in due {
                    await inFlight.insert(row.id)
                    group.addTask {
                        let disables = await deliver(row, abort: stopping)
                        await inFlight.remove(row.id)
                        if disables { await inFlight.flagDisabled() }
                        await wakeup.signal()
                    }
                }
                if free > 0, due.count == free { continue }  // there may be more due now
                await wakeup.wait(upTo: await idleWait())
            }
        }
    }

    /// Until the next row is due, at most the poll interval.
    func idleWait() async -> Duration {
        guard let next = try? await store.nextDue(sink: sink.id, perCall: sink.effectiveOrder == .perCall) else {
            return pollInterval
        }
        let micros = next.microseconds - Timestamp.now.microseconds
        return micros <= 0 ? .milliseconds(10) : min(pollInterval, .microseconds(micros))
    }

    /// One attempt for one row, within the sink's `timeout` (connecting, the answer's head and its
    /// body, and an OAuth 2 token fetch); returns whether it disabled the sink. An attempt still
    /// running when `abort` says so (a reload or shutdown whose grace period ran out) is cancelled
    /// and recorded as failed, and its row is due again at once: it stays pending even when this
    /// was its last try.
    func deliver(_ row: DueDelivery, abort: StopFlag? = nil) async -> Bool {
        let attempt = row.attempts + 1
        let started = ContinuousClock.now
        let now = Timestamp.now
        let step: DeliveryStep
        if let mapping = sink.transform?.mapping {
            step = await transformed(row, mapping: mapping, now: now, abort: abort)
        } else {
            step = await plain(row, now: now, abort: abort)
        }
        if case .deferred(let until, let reason) = step.verdict {
            do {
                try await store.recordAttempt(
                    DeliveryAttempt(
                        deliveryId: row.id, at: now, statusCode: nil, latencyMilliseconds: 0, error: reason,
                        result: .deferred(until: until)))
            } catch {
                logger.error("cannot record a deferred delivery", metadata: ["error": "\(error)"])
            }
            return false
        }
        let outcome = step.outcome
        let elapsed = ContinuousClock.now - started
        var decision = policy.result(of: outcome, attempt: attempt, now: .now)
        var statusCode: Int?
        var failure: String?
        switch outcome {
        case .response(let status, _):
            statusCode = status
            if !(200...299).contains(status) { failure = "HTTP \(status)" }
        case .failure(let message): failure = message
        }
        switch step.verdict {
        case .dead(let reason):
            decision = .dead(disablesSink: false, exhausted: false)
            failure = reason
        case .delivered(let note):
            decision = .delivered
            failure = note
        case .next(let note):
            decision = .retry(at: .now)
            failure = note
        case .deferred, nil: break
        }
        if step.aborted { decision = .retry(at: .now) }
        let result: DeliveryAttempt.Result
        var disables = false
        switch decision {
        case .delivered:
            result = .delivered
            metrics.deliveryAttempt(sink: sink.id, result: "delivered", elapsed: elapsed)
        case .retry(let at):
            result = .retry(at: at)
            metrics.deliveryAttempt(sink: sink.id, result: "retry", elapsed: elapsed)
        case .dead(let disablesSink, let exhausted):
            result = .dead
            metrics.deliveryAttempt(sink: sink.id, result: "dead", elapsed: elapsed)
            disables = disablesSink
            if exhausted { failure = (failure ?? "failed") + "; retries exhausted" }
        }
        let record = DeliveryAttempt(
            deliveryId: row.id, at: now, statusCode: statusCode,
            latencyMilliseconds: Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds)
                * 1000,
            error: failure, result: result, disablesSink: disables, destination: step.destination)
        do {
            try await store.recordAttempt(record)
        } catch {
            // Not recorded: the row stays pending and is sent again (at least once).
            logger.error("cannot record a delivery attempt", metadata: ["error": "\(error)"])
        }
        var metadata: Logger.Metadata = [
            "event_id": .string(row.eventId), "attempt": "\(attempt)", "result": "\(result)",
        ]
        if let statusCode { metadata["status"] = "\(statusCode)" }
        if let failure { metadata["error"] = .string(failure) }
        if case .delivered = result {
            logger.debug("delivered", metadata: metadata)
        } else if case .next = step.verdict {
            logger.info("step done, the next one follows", metadata: metadata)
        } else {
            logger.warning(disables ? "sink answered 410 Gone: disabled" : "delivery failed", metadata: metadata)
        }
        return disables
    }
}

extension DeliveryWorker {
    /// A sink without a transform: the stored event as the sink's format says.
    func plain(_ row: DueDelivery, now: Timestamp, abort: StopFlag?) async -> DeliveryStep {
        do throws(MessageError) {
            let request = try DeliveryRequest(event: row.event, eventId: row.eventId, sink: sink, at: now)
            return await exchange(request, eventId: row.eventId, abort: abort).result
        } catch {
            return DeliveryStep(outcome: .failure(error.message))
        }
    }
}

/// The ids of rows being delivered, so the next look at the outbox skips them.
actor InFlight {
    private(set) var ids: Set<Int64> = []
    private var disabled = false
    func insert(_ id: Int64) { ids.insert(id) }
    func remove(_ id: Int64) { ids.remove(id) }
    /// A delivery disabled the sink (410): the loop re-reads the sink's state at once.
    func flagDisabled() { disabled = true }
    func takeDisabledFlag() -> Bool {
        defer { disabled = false }
        return disabled
    }
}
