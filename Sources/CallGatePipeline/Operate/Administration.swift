import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// What operators ask of a store: paged listings with stable cursors, one row by id, replaying one
/// delivery, the outbox at a glance (metrics), and retention in small batches (Docs/gateway.md); with
/// the outbox and the call history it is everything the admin API and the CLI use.
public protocol StoreAdministration: Outbox, CallHistory {
    /// Outbox rows matching `query`, in id order, after `query.after`, at most `query.limit`.
    func deliveries(_ query: DeliveryQuery) async throws -> [Delivery]
    func delivery(id: Int64) async throws -> Delivery?
    /// Puts one row (dead, delivered or pending) back in the queue, due at `now`; the updated row,
    /// or `nil` when there is no such row.
    func replayDelivery(id: Int64, now: Timestamp) async throws -> Delivery?
    /// Pending and dead rows per sink (sinks with neither are left out).
    func outboxStats() async throws -> [OutboxStats]
    /// Marks a quarantined payload as replayed.
    func resolveQuarantine(id: Int64, at time: Timestamp) async throws
    /// Prunes at most `limit` rows of `kind` older than `time` in one short transaction; returns
    /// how many. Callers loop until it returns less than `limit`.
    func prune(_ kind: RetentionKind, before time: Timestamp, limit: Int) async throws -> Int
}

public struct DeliveryQuery: Sendable, Equatable {
    public var status: DeliveryStatus?
    public var sink: String?
    public var eventId: String?
    /// Only rows with a larger id (the cursor of the previous page).
    public var after: Int64
    public var limit: Int

    public init(
        status: DeliveryStatus? = nil, sink: String? = nil, eventId: String? = nil, after: Int64 = 0,
        limit: Int = Int(Int32.max)
    ) {
        self.status = status
        self.sink = sink
        self.eventId = eventId
        self.after = after
        self.limit = limit
    }

    package func matches(_ row: Delivery) -> Bool {
        row.id > after && (status.map { $0 == row.status } ?? true) && (sink.map { $0 == row.sink } ?? true)
            && (eventId.map { $0 == row.eventId } ?? true)
    }
}

public struct QuarantineQuery: Sendable, Equatable {
    public var source: String?
    public var includeResolved: Bool
    public var after: Int64
    public var limit: Int

    public init(source: String? = nil, includeResolved: Bool = false, after: Int64 = 0, limit: Int = Int(Int32.max)) {
        self.source = source
        self.includeResolved = includeResolved
        self.after = after
        self.limit = limit
    }

    package func matches(_ entry: QuarantineEntry) -> Bool {
        entry.id > after && (source.map { $0 == entry.source } ?? true) && (includeResolved || entry.resolvedAt == nil)
    }
}

/// One sink's share of the outbox.
public struct OutboxStats: Sendable, Equatable {
    public var sink: String
    public var pending: Int
    /// When the oldest pending row was queued.
    public var oldestPending: Timestamp?
    public var dead: Int

    public init(sink: String, pending: Int, oldestPending: Timestamp?, dead: Int) {
        self.sink = sink
        self.pending = pending
        self.oldestPending = oldestPending
        self.dead = dead
    }
}

/// What retention prunes. Events, calls and quarantine are kept.
public enum RetentionKind: String, Sendable, CaseIterable {
    /// The bodies of raw requests (the row stays: events refer to it).
    case requests
    /// Delivered outbox rows (with their attempts); pending and dead rows are never pruned.
    case deliveries
    /// Attempt records.
    case attempts
}
