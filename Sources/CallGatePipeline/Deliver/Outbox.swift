import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// The delivery side of a `CallStore`: workers take due outbox rows, record each attempt, and
/// operators replay dead rows and switch sinks off and on (Docs/delivery.md).
public protocol Outbox: Sendable {
    /// Pending rows of `sink` due at `now`, oldest due first, with the stored event's JSON; rows
    /// whose ids are in `excluding` (in flight) are skipped.
    func dueDeliveries(sink: String, now: Timestamp, limit: Int, excluding: Set<Int64>) async throws
        -> [DueDelivery]
    /// When the next pending row of `sink` is due, if there is one.
    func nextDue(sink: String) async throws -> Timestamp?
    /// Records one attempt and its consequence for the row (and for the sink, on 410), durably.
    func recordAttempt(_ attempt: DeliveryAttempt) async throws
    /// The attempts made for a row, oldest first.
    func attempts(delivery: Int64) async throws -> [DeliveryAttempt]
    /// Puts dead rows back in the queue, due at `now`; returns how many.
    func replayDead(sink: String?, since: Timestamp?, now: Timestamp) async throws -> Int
    /// Sinks flagged disabled (after a 410), with why.
    func disabledSinks() async throws -> [SinkState]
    /// Flags a sink disabled or enabled again.
    func setSink(_ sink: String, disabled: Bool, reason: String?, at time: Timestamp) async throws
}

/// An outbox row ready to send.
public struct DueDelivery: Sendable {
    public var id: Int64
    public var eventId: String
    public var sink: String
    /// Attempts made so far.
    public var attempts: Int
    /// The event as stored (canonical JSON, merged record).
    public var event: [UInt8]

    package init(
        id: Int64, eventId: String, sink: String, attempts: Int, event: [UInt8]
    ) {
        self.id = id
        self.eventId = eventId
        self.sink = sink
        self.attempts = attempts
        self.event = event
    }
}

/// One attempt to deliver a row, and what it means for the row.
public struct DeliveryAttempt: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        case delivered
        /// Failed; tried again at this time.
        case retry(at: Timestamp)
        /// Failed for good (4xx, 410, or the schedule is exhausted).
        case dead
    }

    public var deliveryId: Int64
    public var at: Timestamp
    /// The HTTP status, if a response arrived.
    public var statusCode: Int?
    public var latencyMilliseconds: Double
    /// A short description of the failure (never the body sent).
    public var error: String?
    public var result: Result
    /// A 410: the sink is flagged disabled in the same transaction.
    public var disablesSink: Bool

    public init(
        deliveryId: Int64, at: Timestamp, statusCode: Int?, latencyMilliseconds: Double, error: String?,
        result: Result, disablesSink: Bool = false
    ) {
        self.deliveryId = deliveryId
        self.at = at
        self.statusCode = statusCode
        self.latencyMilliseconds = latencyMilliseconds
        self.error = error
        self.result = result
        self.disablesSink = disablesSink
    }
}

public struct SinkState: Sendable, Equatable {
    public var sink: String
    public var reason: String?
    public var since: Timestamp

    package init(
        sink: String, reason: String? = nil, since: Timestamp
    ) {
        self.sink = sink
        self.reason = reason
        self.since = since
    }
}
