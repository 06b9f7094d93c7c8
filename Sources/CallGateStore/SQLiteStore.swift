import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, `synchronous = FULL`, so a commit is on disk
/// (fsync'd) when it returns. Concurrent ingests share commits: while one transaction is being
/// written, newly arriving ones queue up and are committed together in the next (group commit).
public final class SQLiteStore: CallStore {
    let pool: DatabasePool
    let committer: GroupCommitter
    public let path: String

    /// Opens (creating it and its directory when needed) and migrates the database.
    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        // Another process (the `callgate` inspection commands) may hold the write lock briefly.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets `synchronous = NORMAL` when it switches the pool to WAL, after
            // `prepareDatabase`: with NORMAL a WAL commit is not fsync'd, so a power loss could take
            // back an acknowledged request. FULL fsyncs the WAL on every commit.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            let migrator = Self.migrator
            if try pool.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw StoreError(
                    "the database was migrated by a newer callgate (\(path)); run that version or restore a backup")
            }
            try migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("cannot open the store at \(path): \(error)")
        }
        committer = GroupCommitter(pool: pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE request (
                        id INTEGER PRIMARY KEY,
                        source TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        content_type TEXT,
                        query TEXT,
                        body BLOB
                    );
                    CREATE INDEX request_by_time ON request(received_at);
                    CREATE TABLE event (
                        id TEXT PRIMARY KEY,
                        request_id INTEGER NOT NULL REFERENCES request(id),
                        source TEXT NOT NULL,
                        leg TEXT NOT NULL,
                        type TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        call_key TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        json BLOB NOT NULL
                    );
                    CREATE INDEX event_by_leg ON event(source, leg, type, revision);
                    CREATE INDEX event_by_call ON event(call_key);
                    CREATE TABLE call (
                        call_key TEXT PRIMARY KEY,
                        updated_at INTEGER NOT NULL,
                        json BLOB NOT NULL
                    );
                    CREATE TABLE delivery (
                        id INTEGER PRIMARY KEY,
                        event_id TEXT NOT NULL REFERENCES event(id),
                        sink TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'pending',
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        last_error TEXT,
                        created_at INTEGER NOT NULL,
                        UNIQUE(event_id, sink)
                    );
                    CREATE INDEX delivery_due ON delivery(status, next_attempt_at);
                    CREATE TABLE quarantine (
                        id INTEGER PRIMARY KEY,
                        source TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        content_type TEXT,
                        query TEXT,
                        body BLOB NOT NULL,
                        status INTEGER NOT NULL,
                        code TEXT NOT NULL,
                        error TEXT NOT NULL,
                        resolved_at INTEGER
                    );
                    """)
        }
        migrator.registerMigration("v2-delivery") { db in
            try db.execute(
                sql: """
                    CREATE TABLE attempt (
                        id INTEGER PRIMARY KEY,
                        delivery_id INTEGER NOT NULL REFERENCES delivery(id),
                        at INTEGER NOT NULL,
                        status_code INTEGER,
                        latency_ms REAL NOT NULL,
                        error TEXT,
                        result TEXT NOT NULL,
                        next_attempt_at INTEGER
                    );
                    CREATE INDEX attempt_by_delivery ON attempt(delivery_id);
                    CREATE INDEX delivery_by_sink ON delivery(sink, status, next_attempt_at);
                    CREATE TABLE sink_state (
                        sink TEXT PRIMARY KEY,
                        reason TEXT,
                        since INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3-retention") { db in
            // Retention finds what to prune without scanning what it pruned before.
            try db.execute(
                sql: """
                    CREATE INDEX request_body_by_time ON request(received_at) WHERE body IS NOT NULL;
                    CREATE INDEX attempt_by_time ON attempt(at);
                    """)
        }
        migrator.registerMigration("v4-destinations") { db in
            // Outbound transforms: a row's call (per-call ordering) and each destination's object
            // per call (Docs/targets.md).
            try db.execute(
                sql: """
                    ALTER TABLE delivery ADD COLUMN call_key TEXT;
                    UPDATE delivery SET call_key = (SELECT call_key FROM event WHERE event.id = delivery.event_id);
                    CREATE INDEX delivery_pending_by_call ON delivery(sink, call_key, id) WHERE status = 'pending';
                    CREATE TABLE destination (
                        sink TEXT NOT NULL,
                        call_key TEXT NOT NULL,
                        destination_id TEXT NOT NULL,
                        created_by INTEGER NOT NULL,
                        upload_url TEXT,
                        uploaded INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (sink, call_key)
                    );
                    """)
        }
        return migrator
    }

    public func ingest(_ record: IngestRecord) async throws -> IngestOutcome {
        try await committer.submit { db in
            let transaction = SQLiteTransaction(db: db)
            let snapshot = try transaction.snapshot(LedgerReads(record))
            return try transaction.apply(try Ledger.plan(record, snapshot: snapshot), record: record)
        }
    }

    public func quarantine(_ entry: QuarantineEntry) async throws -> Int64 {
        try await committer.submit { db in
            try db.execute(
                sql: """
                    INSERT INTO quarantine (source, received_at, content_type, query, body, status, code, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.source, entry.receivedAt.microseconds, entry.contentType, entry.query, Data(entry.body),
                    entry.status, entry.code, entry.error,
                ])
            return db.lastInsertedRowID
        }
    }

    public func resolveQuarantine(id: Int64, at time: Timestamp) async throws {
        try await committer.submit { db in try SQLiteTransaction(db: db).resolveQuarantine(id: id, at: time) }
    }

    public func requests(source: String?, since: Timestamp, afterId: Int64, limit: Int) async throws
        -> [StoredRequest]
    {
        try await pool.read { db in
            var sql = "SELECT * FROM request WHERE received_at >= ? AND id > ?"
            var arguments: StatementArguments = [since.microseconds, afterId]
            if let source {
                sql += " AND source = ?"
                arguments += [source]
            }
            sql += " ORDER BY id LIMIT ?"
            arguments += [min(limit, Int(Int32.max))]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                StoredRequest(
                    id: row["id"], source: row["source"], receivedAt: Timestamp(microseconds: row["received_at"]),
                    contentType: row["content_type"], query: row["query"],
                    body: (row["body"] as Data?).map { [UInt8]($0) })
            }
        }
    }

    public func events(callKey: String?, limit: Int) async throws -> [CallEvent] {
        try await pool.read { db in
            let rows: [Row]
            if let callKey {
                rows = try Row.fetchAll(
                    db, sql: "SELECT json FROM event WHERE call_key = ? ORDER BY rowid DESC LIMIT ?",
                    arguments: [callKey, limit])
            } else {
                rows = try Row.fetchAll(
                    db, sql: "SELECT json FROM event ORDER BY rowid DESC LIMIT ?", arguments: [limit])
            }
            return try rows.map { try SQLiteTransaction.decodeEvent($0["json"]) }
        }
    }

    public func call(key: String) async throws -> CallRecord? {
        try await pool.read { db in try SQLiteTransaction(db: db).call(key: key) }
    }

    /// Read-only and cheap, for a probe every few seconds (a write here would be an fsync'd commit
    /// per probe): the writer is open and its last transaction did not fail, the database answers
    /// a read, and its file may be written.
    public func checkWritable() async throws {
        if let failure = await committer.health() { throw StoreError(failure) }
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        guard access(path, W_OK) == 0 else { throw StoreError("the database file cannot be written") }
    }

    /// The writer connection's `PRAGMA synchronous` (2 = FULL: every commit is fsync'd).
    public func writerSynchronousMode() async throws -> Int {
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Transactions committed and the ingests/writes they held: shared commits show as fewer
    /// transactions than jobs.
    public func commitCounts() async -> (transactions: Int, jobs: Int) { await committer.counts() }

    public func close() async throws {
        await committer.finish()
        try pool.close()
    }
}

/// The ledger on one GRDB transaction: the snapshot it reads and the plan it writes. Statements
/// are prepared once per connection and reused.
struct SQLiteTransaction {
    let db: Database

    func run(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    func snapshot(_ reads: LedgerReads) throws -> LedgerSnapshot {
        var snapshot = LedgerSnapshot()
        // A stored event is a duplicate: its columns say all the answer needs, its JSON is not read.
        let event = try db.cachedStatement(sql: "SELECT type, call_key, revision FROM event WHERE id = ?")
        for id in reads.eventIds {
            if let row = try Row.fetchOne(event, arguments: [id]) {
                snapshot.events[id] = StoredEvent(
                    duplicate: id, type: EventType(rawValue: row["type"]), callKey: row["call_key"],
                    revision: row["revision"])
            }
        }
        let revision = try db.cachedStatement(
            sql: "SELECT MAX(revision) FROM event WHERE source = ? AND leg = ? AND type = ?")
        for leg in reads.legs {
            if let latest = try Int.fetchOne(revision, arguments: [leg.source, leg.leg, leg.type.rawValue]) {
                snapshot.revisions[leg] = latest
            }
        }
        for key in reads.callKeys {
            if let call = try call(key: key) { snapshot.calls[key] = call }
        }
        if let id = reads.quarantineId,
            try Bool.fetchOne(db, sql: "SELECT resolved_at IS NULL FROM quarantine WHERE id = ?", arguments: [id])
                == true
        {
            snapshot.unresolvedQuarantine = id
        }
        return snapshot
    }

    func apply(_ plan: LedgerPlan, record: IngestRecord) throws -> IngestOutcome {
        var outcome = plan.outcome
        if plan.storesRequest {
            try run(
                "INSERT INTO request (source, received_at, content_type, query, body) VALUES (?, ?, ?, ?, ?)",
                [record.source, record.receivedAt.microseconds, record.contentType, record.query, Data(record.body)])
            outcome.requestId = db.lastInsertedRowID
        }
        for new in plan.events {
            let event = new.event
            try run(
                """
                INSERT INTO event (id, request_id, source, leg, type, revision, call_key, received_at, json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    event.id, outcome.requestId, event.source, new.leg, event.type.rawValue, event.revision,
                    event.call.callKey, event.receivedAt.microseconds, Data(new.json),
                ])
        }
        for call in plan.calls {
            try run(
                """
                INSERT INTO call (call_key, updated_at, json) VALUES (?, ?, ?)
                ON CONFLICT(call_key) DO UPDATE SET updated_at = excluded.updated_at, json = excluded.json
                """,
                [call.key, plan.receivedAt.microseconds, Data(call.encoded)])
        }
        let at = plan.receivedAt.microseconds
        for delivery in plan.deliveries {
            try run(
                "INSERT OR IGNORE INTO delivery (event_id, sink, next_attempt_at, created_at, call_key) VALUES (?, ?, ?, ?, ?)",
                [delivery.eventId, delivery.sink, at, at, delivery.callKey])
        }
        if let id = plan.resolvesQuarantine { try resolveQuarantine(id: id, at: plan.resolvedAt) }
        return outcome
    }

    func call(key: String) throws -> CallRecord? {
        let statement = try db.cachedStatement(sql: "SELECT json FROM call WHERE call_key = ?")
        guard let data = try Data.fetchOne(statement, arguments: [key]) else { return nil }
        return try StoredJSON.call([UInt8](data), key: key)
    }

    func resolveQuarantine(id: Int64, at time: Timestamp) throws {
        try run(
            "UPDATE quarantine SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL", [time.microseconds, id])
        if db.changesCount == 0 { throw StoreError("no quarantined payload \(id) (or it was already replayed)") }
    }

    static func decodeEvent(_ data: Data) throws -> CallEvent { try StoredJSON.event([UInt8](data)) }
}
