import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Logging
import PostgresNIO

/// One ingest on PostgreSQL, in the caller's transaction. `Ledger.apply` is synchronous, so the
/// state it reads is fetched first: the transaction locks what the request touches (advisory locks
/// on its calls and legs, taken in sorted order so two requests cannot deadlock), reads the stored
/// events, revisions, calls and quarantine entry, runs the ledger on that snapshot, then writes what
/// it produced. Under the locks nothing read can change before the commit.
enum PostgresLedger {
    static func ingest(_ record: IngestRecord, on connection: PostgresConnection, logger: Logger) async throws
        -> IngestOutcome
    {
        let legs = record.events.map {
            LegKey(source: $0.source, leg: $0.call.legId ?? $0.call.vendorCallId, type: $0.type)
        }
        let callKeys = Set(record.events.map(\.call.callKey))
        let lockKeys = Set(callKeys.map { "call\u{1}\($0)" } + legs.map(\.lockKey)).sorted()
        for key in lockKeys {
            try await connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
        }

        var snapshot = Snapshot()
        let ids = record.events.map(\.id)
        for row in try await connection.query("SELECT json FROM event WHERE id = ANY(\(ids))", logger: logger).collect()
        {
            let event = try StoredJSON.event(Array(try row.decode(ByteBuffer.self).readableBytesView))
            snapshot.events[event.id] = event
        }
        let sources = Array(Set(legs.map(\.source)))
        let legIds = Array(Set(legs.map(\.leg)))
        let revisions = try await connection.query(
            """
            SELECT source, leg, type, max(revision) FROM event
            WHERE source = ANY(\(sources)) AND leg = ANY(\(legIds)) GROUP BY source, leg, type
            """, logger: logger
        ).collect()
        for row in revisions {
            let (source, leg, type, revision) = try row.decode((String, String, String, Int64).self)
            snapshot.revisions[LegKey(source: source, leg: leg, type: EventType(rawValue: type))] =
                Int(revision)
        }
        snapshot.calls = try await calls(keys: Array(callKeys), on: connection, logger: logger)
        if let id = record.resolvesQuarantine {
            let rows = try await connection.query(
                "SELECT resolved_at IS NULL FROM quarantine WHERE id = \(id) FOR UPDATE", logger: logger
            ).collect()
            if try rows.first?.decode(Bool.self) == true { snapshot.resolvable = id }
        }

        var copy = record
        // A re-send whose events are all stored already adds no request row (as `Ledger.apply`).
        let allStored = !record.events.isEmpty && record.events.allSatisfy { snapshot.events[$0.id] != nil }
        if copy.existingRequestId == nil, !allStored {
            let rows = try await connection.query(
                """
                INSERT INTO request (source, received_at, content_type, query, body)
                VALUES (\(record.source), \(record.receivedAt.microseconds), \(record.contentType), \(record.query),
                    \(ByteBuffer(bytes: record.body)))
                RETURNING id
                """, logger: logger
            ).collect()
            copy.existingRequestId = try rows.first?.decode(Int64.self)
        }
        let outcome = try Ledger.apply(copy, to: &snapshot)

        for (event, leg, requestId, json) in snapshot.newEvents {
            try await connection.run(
                """
                INSERT INTO event (id, request_id, source, leg, type, revision, call_key, received_at, json)
                VALUES (\(event.id), \(requestId), \(event.source), \(leg), \(event.type.rawValue),
                    \(Int64(event.revision)), \(event.call.callKey), \(event.receivedAt.microseconds),
                    \(ByteBuffer(bytes: json)))
                """, logger: logger
            )
        }
        for (key, saved) in snapshot.savedCalls {
            try await connection.run(
                """
                INSERT INTO call (call_key, updated_at, json) VALUES (\(key), \(saved.at.microseconds),
                    \(ByteBuffer(bytes: saved.encoded)))
                ON CONFLICT (call_key) DO UPDATE SET updated_at = excluded.updated_at, json = excluded.json
                """, logger: logger
            )
        }
        for delivery in snapshot.newDeliveries {
            let at = delivery.at.microseconds
            try await connection.run(
                """
                INSERT INTO delivery (event_id, sink, next_attempt_at, created_at)
                VALUES (\(delivery.eventId), \(delivery.sink), \(at), \(at)) ON CONFLICT DO NOTHING
                """, logger: logger
            )
        }
        if let (id, at) = snapshot.resolved {
            try await connection.run(
                "UPDATE quarantine SET resolved_at = \(at.microseconds) WHERE id = \(id)", logger: logger
            )
        }
        return outcome
    }

    static func resolveQuarantine(id: Int64, at time: Timestamp, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let changed = try await connection.execute(
            "UPDATE quarantine SET resolved_at = \(time.microseconds) WHERE id = \(id) AND resolved_at IS NULL",
            logger: logger)
        if changed == 0 { throw StoreError("no quarantined payload \(id) (or it was already replayed)") }
    }

    static func calls(keys: [String], on connection: PostgresConnection, logger: Logger) async throws
        -> [String: CallRecord]
    {
        var calls: [String: CallRecord] = [:]
        let rows = try await connection.query(
            "SELECT call_key, json FROM call WHERE call_key = ANY(\(keys))", logger: logger
        ).collect()
        for row in rows {
            let (key, json) = try row.decode((String, ByteBuffer).self)
            calls[key] = try StoredJSON.call(Array(json.readableBytesView), key: key)
        }
        return calls
    }

    struct LegKey: Hashable {
        var source: String
        var leg: String
        var type: EventType
        var lockKey: String { "leg\u{1}\(source)\u{1}\(leg)\u{1}\(type.rawValue)" }
    }

    /// What the ledger reads (fetched before it runs) and what it wrote (applied after).
    struct Snapshot: LedgerTransaction {
        var events: [String: CallEvent] = [:]
        var revisions: [LegKey: Int] = [:]
        var calls: [String: CallRecord] = [:]
        var resolvable: Int64?

        var newEvents: [(CallEvent, String, Int64, [UInt8])] = []
        var savedCalls: [String: (encoded: [UInt8], at: Timestamp)] = [:]
        var newDeliveries: [(eventId: String, sink: String, at: Timestamp)] = []
        var resolved: (Int64, Timestamp)?

        func insertRequest(_ record: IngestRecord) throws -> Int64 {
            throw StoreError("internal error: the request is inserted before the ledger runs")
        }

        func event(id: String) throws -> CallEvent? { events[id] }

        func latestRevision(source: String, leg: String, type: EventType) throws -> Int {
            revisions[LegKey(source: source, leg: leg, type: type)] ?? 0
        }

        func call(key: String) throws -> CallRecord? { calls[key] }

        mutating func insertEvent(_ event: CallEvent, leg: String, requestId: Int64) throws {
            events[event.id] = event
            revisions[LegKey(source: event.source, leg: leg, type: event.type)] = event.revision
            newEvents.append((event, leg, requestId, event.jsonBytes()))
        }

        mutating func saveCall(_ record: CallRecord, encoded: [UInt8], at time: Timestamp) throws {
            calls[record.callKey] = record
            savedCalls[record.callKey] = (encoded, time)
        }

        mutating func insertDelivery(eventId: String, sink: String, at time: Timestamp) throws {
            newDeliveries.append((eventId, sink, time))
        }

        mutating func resolveQuarantine(id: Int64, at time: Timestamp) throws {
            guard resolvable == id, resolved == nil else {
                throw StoreError("no quarantined payload \(id) (or it was already replayed)")
            }
            resolved = (id, time)
        }
    }
}
