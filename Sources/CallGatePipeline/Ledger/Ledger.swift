import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// What the ledger decides about one request, written once for every store: duplicates,
/// revisions, merge, outbox rows. A store reads the `LedgerSnapshot` that `LedgerReads` names, in
/// its transaction, asks `Ledger.plan` for the writes, and applies the `LedgerPlan`.
package enum Ledger {
    /// The writes of `record` on the stored state `snapshot`.
    ///
    /// The raw request is stored with the first new event, so a re-send whose events are all
    /// duplicates adds nothing (not even its body); one that produced no events is kept, for replay
    /// after a mapping change.
    /// - Throws: `StoreError` when the record resolves a quarantine entry that is not (or no longer)
    ///   quarantined.
    package static func plan(_ record: IngestRecord, snapshot: LedgerSnapshot) throws -> LedgerPlan {
        var state = snapshot
        var plan = LedgerPlan(record: record)
        var stored: [StoredEvent] = []
        stored.reserveCapacity(record.events.count)
        var callIndex: [String: Int] = [:]
        for incoming in record.events {
            if let existing = state.events[incoming.id] {
                stored.append(existing)
                continue
            }
            let leg = incoming.call.legId ?? incoming.call.vendorCallId
            let legKey = LegKey(source: incoming.source, leg: leg, type: incoming.type)
            var event = incoming
            event.revision = (state.revisions[legKey] ?? 0) + 1
            event.call = CallMerge.merge(state.calls[incoming.call.callKey], with: incoming.call)
            let call = LedgerPlan.SavedCall(key: event.call.callKey, encoded: event.recordBytes())
            if let i = callIndex[call.key] {
                plan.calls[i] = call
            } else {
                callIndex[call.key] = plan.calls.count
                plan.calls.append(call)
            }
            state.calls[call.key] = event.call
            state.revisions[legKey] = event.revision
            state.events[event.id] = StoredEvent(
                duplicate: event.id, type: event.type, callKey: event.call.callKey, revision: event.revision)
            plan.events.append(LedgerPlan.NewEvent(event: event, leg: leg, json: event.jsonBytes()))
            for sink in record.routes.sinks(for: event) {
                plan.deliveries.append(
                    LedgerPlan.NewDelivery(eventId: event.id, sink: sink, callKey: event.call.callKey))
                plan.sinks.insert(sink)
            }
            stored.append(StoredEvent(stored: event))
        }
        if let id = record.resolvesQuarantine {
            guard state.unresolvedQuarantine == id else {
                throw StoreError("no quarantined payload \(id) (or it was already replayed)")
            }
            plan.resolvesQuarantine = id
        }
        plan.storesRequest = record.existingRequestId == nil && (record.events.isEmpty || !plan.events.isEmpty)
        plan.outcome = IngestOutcome(requestId: record.existingRequestId, events: stored, sinks: plan.sinks)
        return plan
    }
}

/// One (source, leg, event type): revisions count up within it.
package struct LegKey: Hashable, Sendable {
    package var source: String
    package var leg: String
    package var type: EventType

    package init(source: String, leg: String, type: EventType) {
        self.source = source
        self.leg = leg
        self.type = type
    }
}

/// What a store reads before the ledger decides: the rows one request can touch.
package struct LedgerReads: Sendable {
    /// Events with these ids (a stored one makes the incoming event a duplicate).
    package var eventIds: [String]
    /// The highest revision stored for each.
    package var legs: [LegKey]
    /// The merged records of these calls.
    package var callKeys: [String]
    /// Whether this quarantine entry is still unresolved.
    package var quarantineId: Int64?

    package init(_ record: IngestRecord) {
        eventIds = record.events.map(\.id)
        var seenLegs = Set<LegKey>()
        legs = record.events.map {
            LegKey(source: $0.source, leg: $0.call.legId ?? $0.call.vendorCallId, type: $0.type)
        }
        .filter { seenLegs.insert($0).inserted }
        var seenCalls = Set<String>()
        callKeys = record.events.map(\.call.callKey).filter { seenCalls.insert($0).inserted }
        quarantineId = record.resolvesQuarantine
    }
}

/// The stored state `LedgerReads` named, as the store found it.
package struct LedgerSnapshot: Sendable {
    /// Stored events among the incoming ids (as duplicates: their columns, not their JSON).
    package var events: [String: StoredEvent] = [:]
    /// Absent: no revision stored yet.
    package var revisions: [LegKey: Int] = [:]
    package var calls: [String: CallRecord] = [:]
    /// `LedgerReads.quarantineId` when that entry exists and is not resolved yet.
    package var unresolvedQuarantine: Int64?

    package init() {}
}

/// The writes of one request, in the order a store applies them: the raw request (its id goes into
/// each new event row), the events, the merged calls, the outbox rows, the quarantine entry.
package struct LedgerPlan: Sendable {
    package struct NewEvent: Sendable {
        /// With its revision and the call merged up to it.
        package var event: CallEvent
        package var leg: String
        /// The event's canonical JSON, as stored.
        package var json: [UInt8]
    }

    package struct SavedCall: Sendable {
        package var key: String
        /// The merged record's canonical JSON (the last merge when several events touch the call).
        package var encoded: [UInt8]
    }

    package struct NewDelivery: Sendable {
        package var eventId: String
        package var sink: String
        /// The event's call: rows of one call are sent in order where the sink asks for it.
        package var callKey: String
    }

    /// Store the raw request: a new one with at least one new event, or with none at all.
    package var storesRequest = false
    package var events: [NewEvent] = []
    package var calls: [SavedCall] = []
    /// Each due at `receivedAt`.
    package var deliveries: [NewDelivery] = []
    /// The sinks that got a row: the only ones to wake after the commit.
    package var sinks: Set<String> = []
    /// Mark this quarantine entry replayed, at `resolvedAt`.
    package var resolvesQuarantine: Int64?
    /// When the request was received: the calls' update time and the rows' first attempt.
    package var receivedAt: Timestamp
    package var resolvedAt: Timestamp
    /// What the ingest answers. A store that inserts the request sets `requestId`.
    package var outcome = IngestOutcome(requestId: nil, events: [])

    init(record: IngestRecord) {
        receivedAt = record.receivedAt
        resolvedAt = record.resolvedAt
    }
}

/// Events and call records as stored (canonical JSON), read back.
package enum StoredJSON {
    static let readContext = CoercionContext(region: "ZZ")

    package static func event(_ bytes: [UInt8]) throws -> CallEvent {
        do {
            return try CallEvent(json: try JSONParser.parse(bytes))
        } catch {
            throw StoreError("a stored event cannot be read: \(error)")
        }
    }

    package static func call(_ bytes: [UInt8], key: String) throws -> CallRecord {
        do {
            return try CallRecord(json: try JSONParser.parse(bytes), context: readContext)
        } catch {
            throw StoreError("stored call \(key) cannot be read: \(error)")
        }
    }
}
