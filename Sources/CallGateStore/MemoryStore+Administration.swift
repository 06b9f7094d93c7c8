import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive

/// Operators' queries on the in-memory store, with the same semantics as the SQLite store.
extension MemoryStore {
    public func deliveries(_ query: DeliveryQuery) -> [Delivery] {
        Array(state.deliveries.filter(query.matches).prefix(query.limit))
    }

    public func delivery(id: Int64) -> Delivery? { state.deliveries.first { $0.id == id } }

    public func replayDelivery(id: Int64, now: Timestamp) throws -> Delivery? {
        try checkOpen()
        guard let i = state.deliveries.firstIndex(where: { $0.id == id }) else { return nil }
        state.deliveries[i].status = .pending
        state.deliveries[i].nextAttemptAt = now
        return state.deliveries[i]
    }

    public func outboxStats() -> [OutboxStats] {
        var stats: [String: OutboxStats] = [:]
        for row in state.deliveries where row.status != .delivered {
            var s = stats[row.sink] ?? OutboxStats(sink: row.sink, pending: 0, oldestPending: nil, dead: 0)
            if row.status == .pending {
                s.pending += 1
                s.oldestPending = min(s.oldestPending ?? row.createdAt, row.createdAt)
            } else {
                s.dead += 1
            }
            stats[row.sink] = s
        }
        return stats.values.sorted { $0.sink < $1.sink }
    }

    public func quarantined(_ query: QuarantineQuery) -> [QuarantineEntry] {
        Array(state.quarantine.filter(query.matches).prefix(query.limit))
    }

    public func quarantineEntry(id: Int64) -> QuarantineEntry? { state.quarantine.first { $0.id == id } }

    public func prune(_ kind: RetentionKind, before time: Timestamp, limit: Int) throws -> Int {
        try checkOpen()
        var count = 0
        switch kind {
        case .requests:
            for i in state.requests.indices
            where count < limit && state.requests[i].receivedAt < time && state.requests[i].body != nil {
                state.requests[i].body = nil
                count += 1
            }
        case .deliveries:
            let ids = Set(
                state.deliveries.filter { $0.status == .delivered && $0.nextAttemptAt < time }.prefix(limit).map(\.id))
            state.attempts.removeAll { ids.contains($0.deliveryId) }
            state.deliveries.removeAll { ids.contains($0.id) }
            count = ids.count
        case .attempts:
            let old = state.attempts.indices.filter { state.attempts[$0].at < time }.prefix(limit)
            for i in old.reversed() { state.attempts.remove(at: i) }
            count = old.count
        }
        return count
    }
}
