import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// Where the gateway keeps everything it acknowledged: raw requests, the events derived from them,
/// the merged state of each call, one outbox row per (event, sink) and quarantined payloads.
///
/// Three backends (`SQLiteStore`, `PostgresStore`, `MemoryStore`) implement the whole of it; each
/// consumer depends only on the part it uses: ingest on `IngestStore`, replay on `CallHistory`, the
/// delivery workers on `Outbox`, operators (admin API, CLI, retention) on `StoreAdministration`,
/// readiness on `StoreLifecycle`.
public protocol CallStore: IngestStore, StoreAdministration, StoreLifecycle {}

/// The write side of the ledger (Docs/architecture.md): what the ingest path needs.
///
/// Both return only once their writes are durable: the HTTP answer is sent after that, so nothing
/// acknowledged can be lost.
public protocol IngestStore: Sendable {
    /// Commits one request and its events (deduplicated, revised, merged) with their outbox rows in
    /// one transaction.
    func ingest(_ record: IngestRecord) async throws -> IngestOutcome
    /// Keeps a payload that could not be turned into events, with its error.
    func quarantine(_ entry: QuarantineEntry) async throws -> Int64
}

/// What was received and what it became: stored requests, quarantined payloads, events and merged
/// calls (replay, the admin API and the CLI read these).
public protocol CallHistory: Sendable {
    /// Stored raw requests received at or after `since` with an id above `afterId`, in id order,
    /// at most `limit` (page through by passing the last id seen).
    func requests(source: String?, since: Timestamp, afterId: Int64, limit: Int) async throws -> [StoredRequest]
    /// Quarantined payloads matching `query`, in id order, after `query.after`, at most `query.limit`.
    func quarantined(_ query: QuarantineQuery) async throws -> [QuarantineEntry]
    func quarantineEntry(id: Int64) async throws -> QuarantineEntry?
    /// Stored events, newest first (of one call when `callKey` is given).
    func events(callKey: String?, limit: Int) async throws -> [CallEvent]
    /// The merged record of a call.
    func call(key: String) async throws -> CallRecord?
}

/// Readiness and shutdown.
public protocol StoreLifecycle: Sendable {
    /// Throws unless the store can take writes (readiness). Read-only and cheap: it runs at every
    /// probe.
    func checkWritable() async throws
    func close() async throws
}

extension CallHistory {
    /// Quarantined payloads, oldest first; resolved ones (replayed successfully) only when asked.
    public func quarantined(source: String?, includeResolved: Bool) async throws -> [QuarantineEntry] {
        try await quarantined(QuarantineQuery(source: source, includeResolved: includeResolved))
    }

    /// Every stored raw request received at or after `since` (tests and small stores).
    public func requests(source: String?, since: Timestamp) async throws -> [StoredRequest] {
        try await requests(source: source, since: since, afterId: 0, limit: Int.max)
    }
}

extension StoreAdministration {
    /// Outbox rows, oldest first.
    public func deliveries(status: DeliveryStatus?, sink: String?) async throws -> [Delivery] {
        try await deliveries(DeliveryQuery(status: status, sink: sink))
    }
}

/// One request as received and the events the mapping derived from it (revision 1, each record as
/// the payload alone says it).
public struct IngestRecord: Sendable {
    public var source: String
    public var receivedAt: Timestamp
    public var contentType: String?
    /// The query string as received, with any query-key secret removed.
    public var query: String?
    public var body: [UInt8]
    public var events: [CallEvent]
    /// Which sinks receive an event.
    public var routes: SinkRoutes
    /// Set when re-deriving events from a stored request (`replay --reprocess`): the request is not
    /// stored again.
    public var existingRequestId: Int64?
    /// Set when replaying a quarantined payload: the entry is marked replayed in the same
    /// transaction, so a crash cannot leave it stored and still quarantined.
    public var resolvesQuarantine: Int64?
    /// When the quarantine entry is marked replayed.
    public var resolvedAt = Timestamp(seconds: 0)

    public init(
        source: String, receivedAt: Timestamp, contentType: String?, query: String?, body: [UInt8],
        events: [CallEvent], routes: SinkRoutes, existingRequestId: Int64? = nil
    ) {
        self.source = source
        self.receivedAt = receivedAt
        self.contentType = contentType
        self.query = query
        self.body = body
        self.events = events
        self.routes = routes
        self.existingRequestId = existingRequestId
    }
}

/// The ids of the sinks an event goes to.
public struct SinkRoutes: Sendable {
    let route: @Sendable (CallEvent) -> [String]

    public init(_ route: @escaping @Sendable (CallEvent) -> [String]) { self.route = route }

    public static let none = SinkRoutes { _ in [] }

    public func sinks(for event: CallEvent) -> [String] { route(event) }
}

public struct IngestOutcome: Sendable {
    /// The stored raw request; nil when every event was a duplicate (nothing was stored).
    public var requestId: Int64?
    /// One per event of the request, in order: as stored now, or as stored before for a duplicate.
    public var events: [StoredEvent]
    /// The sinks that got an outbox row: the workers to wake.
    public var sinks: Set<String> = []

    /// True when every event was already stored (an identical re-send).
    public var isDuplicate: Bool { !events.isEmpty && events.allSatisfy(\.duplicate) }
}

/// One event of an ingested request as the ledger left it.
public struct StoredEvent: Sendable {
    public var id: String
    public var type: EventType
    public var callKey: String
    public var revision: Int
    /// The event was already stored: nothing new was written or queued for delivery.
    public var duplicate: Bool
    /// A new event with its revision and the call record merged up to it; `nil` for a duplicate,
    /// whose stored JSON is not read back (its id, type, call key and revision are columns).
    public var event: CallEvent?

    /// A new event, as stored now.
    package init(stored event: CallEvent) {
        id = event.id
        type = event.type
        callKey = event.call.callKey
        revision = event.revision
        duplicate = false
        self.event = event
    }

    /// An event stored before.
    package init(duplicate id: String, type: EventType, callKey: String, revision: Int) {
        self.id = id
        self.type = type
        self.callKey = callKey
        self.revision = revision
        duplicate = true
        event = nil
    }
}

public struct StoredRequest: Sendable {
    public var id: Int64
    public var source: String
    public var receivedAt: Timestamp
    public var contentType: String?
    public var query: String?
    /// `nil` once retention has dropped it.
    public var body: [UInt8]?

    package init(
        id: Int64, source: String, receivedAt: Timestamp, contentType: String? = nil, query: String? = nil,
        body: [UInt8]? = nil
    ) {
        self.id = id
        self.source = source
        self.receivedAt = receivedAt
        self.contentType = contentType
        self.query = query
        self.body = body
    }
}

public struct QuarantineEntry: Sendable, Equatable {
    public var id: Int64
    public var source: String
    public var receivedAt: Timestamp
    public var contentType: String?
    public var query: String?
    public var body: [UInt8]
    /// The HTTP status it was answered with (400 or 422).
    public var status: Int
    public var code: String
    public var error: String
    public var resolvedAt: Timestamp?

    public init(
        id: Int64 = 0, source: String, receivedAt: Timestamp, contentType: String?, query: String?, body: [UInt8],
        status: Int, code: String, error: String, resolvedAt: Timestamp? = nil
    ) {
        self.id = id
        self.source = source
        self.receivedAt = receivedAt
        self.contentType = contentType
        self.query = query
        self.body = body
        self.status = status
        self.code = code
        self.error = error
        self.resolvedAt = resolvedAt
    }
}

public enum DeliveryStatus: String, Sendable, CaseIterable {
    case pending, delivered, dead
}

/// One outbox row: an event owed to a sink.
public struct Delivery: Sendable, Equatable {
    public var id: Int64
    public var eventId: String
    public var sink: String
    public var status: DeliveryStatus
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var lastError: String?
    public var createdAt: Timestamp

    package init(
        id: Int64, eventId: String, sink: String, status: DeliveryStatus, attempts: Int, nextAttemptAt: Timestamp,
        lastError: String? = nil, createdAt: Timestamp
    ) {
        self.id = id
        self.eventId = eventId
        self.sink = sink
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
    }
}

/// A store that could not do what was asked.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
