import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Logging
import PostgresNIO

/// One ingest on PostgreSQL, in the caller's transaction. The transaction locks what the request
/// touches (advisory locks on its calls and legs, taken in sorted order so two requests cannot
/// deadlock), reads the snapshot the ledger needs, asks `Ledger.plan` for the writes and applies
/// them. Under the locks nothing read can change before the commit.
enum PostgresLedger {
    static func ingest(_ record: IngestRecord, on connection: PostgresConnection, logger: Logger) async throws
        -> IngestOutcome
    {
        let reads = LedgerReads(record)
        let lockKeys = Set(reads.callKeys.map { "call\u{1}\($0)" } + reads.legs.map(lockKey)).sorted()
        for key in lockKeys {
            try await connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
        }
        let snapshot = try await snapshot(reads, on: connection, logger: logger)
        let plan = try Ledger.plan(record, snapshot: snapshot)
        var outcome = plan.outcome
        if plan.storesRequest {
            let rows = try await connection.query(
                """
                INSERT INTO request (source, received_at, content_type, query, body)
                VALUES (\(record.source), \(record.receivedAt.microseconds), \(record.contentType), \(record.query),
                    \(ByteBuffer(bytes: record.body)))
                RETURNING id
                """, logger: logger
            ).collect()
            outcome.requestId = try rows.first?.decode(Int64.self)
        }
        for new in plan.events {
            let event = new.event
            try await connection.run(
                """
                INSERT INTO event (id, request_id, source, leg, type, revision, call_key, received_at, json)
                VALUES (\(event.id), \(outcome.requestId), \(event.source), \(new.leg), \(event.type.rawValue),
                    \(Int64(event.revision)), \(event.call.callKey), \(event.receivedAt.microseconds),
                    \(ByteBuffer(bytes: new.json)))
                """, logger: logger
            )
        }
        let at = plan.receivedAt.microseconds
        for call in plan.calls {
            try await connection.run(
                """
                INSERT INTO call (call_key, updated_at, json) VALUES (\(call.key), \(at),
                    \(ByteBuffer(bytes: call.encoded)))
                ON CONFLICT (call_key) DO UPDATE SET updated_at = excluded.updated_at, json = excluded.json
                """, logger: logger
            )
        }
        for delivery in plan.deliveries {
            try await connection.run(
                """
                INSERT INTO delivery (event_id, sink, next_attempt_at, created_at, call_key)
                VALUES (\(delivery.eventId), \(delivery.sink), \(at), \(at), \(delivery.callKey))
                ON CONFLICT DO NOTHING
                """, logger: logger
            )
        }
        if let id = plan.resolvesQuarantine {
            try await connection.run(
                "UPDATE quarantine SET resolved_at = \(plan.resolvedAt.microseconds) WHERE id = \(id)", logger: logger
            )
        }
        return outcome
    }

    static func lockKey(_ leg: LegKey) -> String { "leg\u{1}\(leg.source)\u{1}\(leg.leg)\u{1}\(leg.type.rawValue)" }

    static func snapshot(_ reads: LedgerReads, on connection: PostgresConnection, logger: Logger) async throws
        -> LedgerSnapshot
    {
        var snapshot = LedgerSnapshot()
        let ids = reads.eventIds
        // A stored event is a duplicate: its columns say all the answer needs, its JSON is not read.
        let stored = try await connection.query(
            "SELECT id, type, call_key, revision FROM event WHERE id = ANY(\(ids))", logger: logger
        ).collect()
        for row in stored {
            let (id, type, callKey, revision) = try row.decode((String, String, String, Int64).self)
            snapshot.events[id] = StoredEvent(
                duplicate: id, type: EventType(rawValue: type), callKey: callKey, revision: Int(revision))
        }
        let sources = Array(Set(reads.legs.map(\.source)))
        let legIds = Array(Set(reads.legs.map(\.leg)))
        let revisions = try await connection.query(
            """
            SELECT source, leg, type, max(revision) FROM event
            WHERE source = ANY(\(sources)) AND leg = ANY(\(legIds)) GROUP BY source, leg, type
            """, logger: logger
        ).collect()
        for row in revisions {
            let (source, leg, type, revision) = try row.decode((String, String, String, Int64).self)
            snapshot.revisions[LegKey(source: source, leg: leg, type: EventType(rawValue: type))] = Int(revision)
        }
        snapshot.calls = try await calls(keys: reads.callKeys, on: connection, logger: logger)
        if let id = reads.quarantineId {
            let rows = try await connection.query(
                "SELECT resolved_at IS NULL FROM quarantine WHERE id = \(id) FOR UPDATE", logger: logger
            ).collect()
            if try rows.first?.decode(Bool.self) == true { snapshot.unresolvedQuarantine = id }
        }
        return snapshot
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
}
