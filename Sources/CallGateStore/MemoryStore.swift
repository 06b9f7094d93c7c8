import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive

/// A `CallStore` in memory, with the same rules as the SQLite one: for tests and dry runs.
public actor MemoryStore: CallStore {
    struct State {
        var requests: [StoredRequest] = []
        var events: [(event: CallEvent, leg: String, requestId: Int64)] = []
        var eventIndex: [String: Int] = [:]
        var calls: [String: CallRecord] = [:]
        var deliveries: [Delivery] = []
        var quarantine: [QuarantineEntry] = []
        var attempts: [DeliveryAttempt] = []
        var disabled: [String: SinkState] = [:]
        /// Each outbox row's call, and each destination's object per (sink, call).
        var deliveryCalls: [Int64: String] = [:]
        var destinations: [String: Destination] = [:]

        func snapshot(_ reads: LedgerReads) -> LedgerSnapshot {
            var snapshot = LedgerSnapshot()
            for id in reads.eventIds {
                snapshot.events[id] = eventIndex[id].map {
                    let event = events[$0].event
                    return StoredEvent(
                        duplicate: id, type: event.type, callKey: event.call.callKey, revision: event.revision)
                }
            }
            for leg in reads.legs {
                let latest = events.filter {
                    $0.event.source == leg.source && $0.leg == leg.leg && $0.event.type == leg.type
                }.map(\.event.revision).max()
                snapshot.revisions[leg] = latest
            }
            for key in reads.callKeys { snapshot.calls[key] = calls[key] }
            if let id = reads.quarantineId, quarantine.contains(where: { $0.id == id && $0.resolvedAt == nil }) {
                snapshot.unresolvedQuarantine = id
            }
            return snapshot
        }

        mutating func apply(_ plan: LedgerPlan, record: IngestRecord) -> IngestOutcome {
            var outcome = plan.outcome
            if plan.storesRequest {
                let id = Int64(requests.count + 1)
                requests.append(
                    StoredRequest(
                        id: id, source: record.source, receivedAt: record.receivedAt,
                        contentType: record.contentType, query: record.query, body: record.body))
                outcome.requestId = id
            }
            for new in plan.events {
                eventIndex[new.event.id] = events.count
                events.append((new.event, new.leg, outcome.requestId ?? 0))
                calls[new.event.call.callKey] = new.event.call
            }
            for delivery in plan.deliveries {
                deliveryCalls[Int64(deliveries.count + 1)] = delivery.callKey
                deliveries.append(
                    Delivery(
                        id: Int64(deliveries.count + 1), eventId: delivery.eventId, sink: delivery.sink,
                        status: .pending, attempts: 0, nextAttemptAt: plan.receivedAt, lastError: nil,
                        createdAt: plan.receivedAt))
            }
            if let id = plan.resolvesQuarantine, let i = quarantine.firstIndex(where: { $0.id == id }) {
                quarantine[i].resolvedAt = plan.resolvedAt
            }
            return outcome
        }

        mutating func resolveQuarantine(id: Int64, at time: Timestamp) throws {
            guard let i = quarantine.firstIndex(where: { $0.id == id && $0.resolvedAt == nil }) else {
                throw StoreError("no quarantined payload \(id)")
            }
            quarantine[i].resolvedAt = time
        }
    }

    var state = State()
    var closed = false

    public init() {}

    public func ingest(_ record: IngestRecord) throws -> IngestOutcome {
        try checkOpen()
        let plan = try Ledger.plan(record, snapshot: state.snapshot(LedgerReads(record)))
        return state.apply(plan, record: record)
    }

    public func quarantine(_ entry: QuarantineEntry) throws -> Int64 {
        try checkOpen()
        var e = entry
        e.id = Int64(state.quarantine.count + 1)
        state.quarantine.append(e)
        return e.id
    }

    public func resolveQuarantine(id: Int64, at time: Timestamp) throws {
        try checkOpen()
        try state.resolveQuarantine(id: id, at: time)
    }

    public func requests(source: String?, since: Timestamp, afterId: Int64, limit: Int) -> [StoredRequest] {
        Array(
            state.requests.filter {
                (source == nil || $0.source == source) && $0.receivedAt >= since && $0.id > afterId
            }
            .prefix(limit))
    }

    public func events(callKey: String?, limit: Int) -> [CallEvent] {
        Array(
            state.events.reversed().map(\.event).filter { callKey == nil || $0.call.callKey == callKey }.prefix(limit))
    }

    public func call(key: String) -> CallRecord? { state.calls[key] }

    public func dueDeliveries(sink: String, now: Timestamp, limit: Int, excluding: Set<Int64>, perCall: Bool)
        throws -> [DueDelivery]
    {
        try checkOpen()
        var blocked: Set<String> = []
        var due: [Delivery] = []
        for row in state.deliveries where row.sink == sink && row.status == .pending {
            let key = state.deliveryCalls[row.id] ?? ""
            if perCall {
                // Only the earliest pending row of a call can be due.
                guard blocked.insert(key).inserted else { continue }
            }
            if row.nextAttemptAt <= now, !excluding.contains(row.id) { due.append(row) }
        }
        due.sort { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
        return due.prefix(limit).map { row in
            let event = state.events[state.eventIndex[row.eventId]!].event
            let key = state.deliveryCalls[row.id] ?? ""
            return DueDelivery(
                id: row.id, eventId: row.eventId, sink: sink, attempts: row.attempts, event: event.jsonBytes(),
                callKey: key, createdAt: row.createdAt, destination: state.destinations[sink + "\u{0}" + key])
        }
    }

    public func nextDue(sink: String, perCall: Bool) -> Timestamp? {
        var seen: Set<String> = []
        return state.deliveries.filter {
            $0.sink == sink && $0.status == .pending
                && (!perCall || seen.insert(state.deliveryCalls[$0.id] ?? "").inserted)
        }.map(\.nextAttemptAt).min()
    }

    public func recordAttempt(_ attempt: DeliveryAttempt) throws {
        try checkOpen()
        guard let i = state.deliveries.firstIndex(where: { $0.id == attempt.deliveryId }) else {
            throw StoreError("no delivery \(attempt.deliveryId)")
        }
        if let destination = attempt.destination {
            let key = destination.sink + "\u{0}" + destination.callKey
            if state.destinations[key] == nil {
                state.destinations[key] = destination
            } else {
                state.destinations[key]?.uploaded = destination.uploaded
            }
        }
        if case .deferred(let until) = attempt.result {
            state.deliveries[i].nextAttemptAt = until
            state.deliveries[i].lastError = attempt.error
            return
        }
        state.attempts.append(attempt)
        state.deliveries[i].attempts += 1
        state.deliveries[i].lastError = attempt.error
        switch attempt.result {
        case .delivered: state.deliveries[i].status = .delivered
        case .dead: state.deliveries[i].status = .dead
        case .retry(let at): state.deliveries[i].nextAttemptAt = at
        case .deferred: break
        }
        let sink = state.deliveries[i].sink
        if attempt.disablesSink, state.disabled[sink] == nil {
            state.disabled[sink] = SinkState(sink: sink, reason: attempt.error, since: attempt.at)
        }
    }

    public func attempts(delivery: Int64) -> [DeliveryAttempt] {
        state.attempts.filter { $0.deliveryId == delivery }
    }

    public func replayDead(sink: String?, since: Timestamp?, now: Timestamp) throws -> Int {
        try checkOpen()
        var count = 0
        for i in state.deliveries.indices where state.deliveries[i].status == .dead {
            if let sink, state.deliveries[i].sink != sink { continue }
            if let since, state.deliveries[i].createdAt < since { continue }
            state.deliveries[i].status = .pending
            state.deliveries[i].nextAttemptAt = now
            count += 1
        }
        return count
    }

    public func disabledSinks() -> [SinkState] { state.disabled.values.sorted { $0.sink < $1.sink } }

    public func setSink(_ sink: String, disabled: Bool, reason: String?, at time: Timestamp) throws {
        try checkOpen()
        state.disabled[sink] = disabled ? SinkState(sink: sink, reason: reason, since: time) : nil
    }

    public func checkWritable() throws { try checkOpen() }

    public func close() { closed = true }

    func checkOpen() throws {
        if closed { throw StoreError("the store is closed") }
    }
}
