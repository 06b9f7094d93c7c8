import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// The writes of one ingest, against one transaction of a store.
package protocol LedgerTransaction {
    mutating func insertRequest(_ record: IngestRecord) throws -> Int64
    /// The stored event with this id.
    func event(id: String) throws -> CallEvent?
    /// The highest revision stored for (source, leg, type), 0 when none.
    func latestRevision(source: String, leg: String, type: EventType) throws -> Int
    func call(key: String) throws -> CallRecord?
    mutating func insertEvent(_ event: CallEvent, leg: String, requestId: Int64) throws
    /// - Parameter encoded: the record as canonical JSON.
    mutating func saveCall(_ record: CallRecord, encoded: [UInt8], at time: Timestamp) throws
    mutating func insertDelivery(eventId: String, sink: String, at time: Timestamp) throws
    /// Marks a quarantined payload replayed; throws when it is not (or no longer) quarantined.
    mutating func resolveQuarantine(id: Int64, at time: Timestamp) throws
}

/// What every store does with an ingest, written once: duplicates, revisions, merge, outbox.
package enum Ledger {
    /// The raw request is stored with the first new event, so a re-send whose events are all
    /// duplicates adds nothing (not even its body); one that produced no events is kept, for
    /// replay after a mapping change.
    package static func apply<T: LedgerTransaction>(_ record: IngestRecord, to t: inout T) throws -> IngestOutcome {
        var requestId = record.existingRequestId
        func storedRequestId() throws -> Int64 {
            if let requestId { return requestId }
            let id = try t.insertRequest(record)
            requestId = id
            return id
        }
        if record.events.isEmpty { _ = try storedRequestId() }
        var stored: [StoredEvent] = []
        stored.reserveCapacity(record.events.count)
        for incoming in record.events {
            if let existing = try t.event(id: incoming.id) {
                stored.append(StoredEvent(event: existing, duplicate: true))
                continue
            }
            let leg = incoming.call.legId ?? incoming.call.vendorCallId
            var event = incoming
            event.revision = try t.latestRevision(source: event.source, leg: leg, type: event.type) + 1
            event.call = CallMerge.merge(try t.call(key: incoming.call.callKey), with: incoming.call)
            try t.saveCall(event.call, encoded: event.recordBytes(), at: record.receivedAt)
            try t.insertEvent(event, leg: leg, requestId: try storedRequestId())
            for sink in record.routes.sinks(for: event) {
                try t.insertDelivery(eventId: event.id, sink: sink, at: record.receivedAt)
            }
            stored.append(StoredEvent(event: event, duplicate: false))
        }
        if let id = record.resolvesQuarantine { try t.resolveQuarantine(id: id, at: record.resolvedAt) }
        return IngestOutcome(requestId: requestId, events: stored)
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
