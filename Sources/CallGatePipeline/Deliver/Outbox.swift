import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// The delivery side of a `CallStore`: workers take due outbox rows, record each attempt, and
/// operators replay dead rows and switch sinks off and on (Docs/delivery.md).
public protocol Outbox: Sendable {
    /// Pending rows of `sink` due at `now`, oldest due first, with the stored event's JSON and the
    /// destination's record of the call; rows whose ids are in `excluding` (in flight) are
    /// skipped. With `perCall`, a row is not due while an earlier row of the same call to the same
    /// sink is pending (in flight included, on any instance).
    func dueDeliveries(sink: String, now: Timestamp, limit: Int, excluding: Set<Int64>, perCall: Bool) async throws
        -> [DueDelivery]
    /// The merged record of a call as it stands now (a create waiting for the call's recording).
    func call(key: String) async throws -> CallRecord?
    /// When the next pending row of `sink` is due, if there is one (with `perCall`, counting only
    /// the earliest pending row of each call).
    func nextDue(sink: String, perCall: Bool) async throws -> Timestamp?
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

extension Outbox {
    /// Due rows in the order they came due (`order: arrival`).
    public func dueDeliveries(sink: String, now: Timestamp, limit: Int, excluding: Set<Int64>) async throws
        -> [DueDelivery]
    {
        try await dueDeliveries(sink: sink, now: now, limit: limit, excluding: excluding, perCall: false)
    }

    public func nextDue(sink: String) async throws -> Timestamp? { try await nextDue(sink: sink, perCall: false) }
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
    public var callKey: String
    /// When the row was queued.
    public var createdAt: Timestamp
    /// What the destination holds for this call (a transform that keeps one record per call).
    public var destination: Destination?

    package init(
        id: Int64, eventId: String, sink: String, attempts: Int, event: [UInt8], callKey: String = "",
        createdAt: Timestamp = Timestamp(seconds: 0), destination: Destination? = nil
    ) {
        self.id = id
        self.eventId = eventId
        self.sink = sink
        self.attempts = attempts
        self.event = event
        self.callKey = callKey
        self.createdAt = createdAt
        self.destination = destination
    }
}

/// A destination's object for one call (Docs/targets.md, "One record per call"): its id there,
/// the row that created it, and the recording upload that follows the create.
public struct Destination: Sendable, Equatable {
    public var sink: String
    public var callKey: String
    /// The destination's id for the call (HubSpot's call id, MiiTel's call_data_id).
    public var id: String
    /// The outbox row whose create made it.
    public var createdBy: Int64
    /// Where the recording goes, from the create's answer; nil when nothing is uploaded.
    public var uploadURL: String?
    public var uploaded: Bool
    public var createdAt: Timestamp

    public init(
        sink: String, callKey: String, id: String, createdBy: Int64, uploadURL: String? = nil, uploaded: Bool = false,
        createdAt: Timestamp
    ) {
        self.sink = sink
        self.callKey = callKey
        self.id = id
        self.createdBy = createdBy
        self.uploadURL = uploadURL
        self.uploaded = uploaded
        self.createdAt = createdAt
    }

    /// The recording still has to be uploaded by the row that created the object.
    public var awaitsUpload: Bool { uploadURL != nil && !uploaded }
}

/// One attempt to deliver a row, and what it means for the row.
public struct DeliveryAttempt: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        case delivered
        /// Failed; tried again at this time.
        case retry(at: Timestamp)
        /// Failed for good (4xx, 410, or the schedule is exhausted).
        case dead
        /// Not attempted: put off until this time without counting an attempt (a create waiting
        /// for the call's recording); `error` says why.
        case deferred(until: Timestamp)
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
    /// The destination's record of the call, written in the same transaction (after a create, and
    /// when its recording was uploaded); an existing record keeps its id.
    public var destination: Destination?

    public init(
        deliveryId: Int64, at: Timestamp, statusCode: Int?, latencyMilliseconds: Double, error: String?,
        result: Result, disablesSink: Bool = false, destination: Destination? = nil
    ) {
        self.deliveryId = deliveryId
        self.at = at
        self.statusCode = statusCode
        self.latencyMilliseconds = latencyMilliseconds
        self.error = error
        self.result = result
        self.disablesSink = disablesSink
        self.destination = destination
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
