import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation
import GRDB
import PostgresNIO

/// `callgate migrate-store`: copies an SQLite store into PostgreSQL, table by table, keeping ids
/// (so delivery ids, quarantine ids and event ids stay what operators saw). The source is read from
/// one snapshot, so the copy is consistent while the old gateway keeps running; every row is
/// written as an upsert, so running the copy again after stopping the old gateway brings over what
/// changed since (new rows, deliveries that moved on, quarantine entries replayed).
public enum StoreCopy {
    /// One table: its columns (the same in both stores) and what a second copy updates.
    struct Table {
        var name: String
        var columns: [String]
        var onConflict: String
    }

    static let tables: [Table] = [
        Table(
            name: "request", columns: ["id", "source", "received_at", "content_type", "query", "body"],
            onConflict: "(id) DO UPDATE SET body = excluded.body"),
        Table(
            name: "event",
            columns: ["id", "request_id", "source", "leg", "type", "revision", "call_key", "received_at", "json"],
            onConflict: "(id) DO NOTHING"),
        Table(
            name: "call", columns: ["call_key", "updated_at", "json"],
            onConflict: "(call_key) DO UPDATE SET updated_at = excluded.updated_at, json = excluded.json"),
        Table(
            name: "delivery",
            columns: [
                "id", "event_id", "sink", "status", "attempts", "next_attempt_at", "last_error", "created_at",
                "call_key",
            ],
            onConflict: """
                (id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
                    next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error
                """),
        Table(
            name: "attempt",
            columns: ["id", "delivery_id", "at", "status_code", "latency_ms", "error", "result", "next_attempt_at"],
            onConflict: "(id) DO NOTHING"),
        Table(
            name: "destination",
            columns: ["sink", "call_key", "destination_id", "created_by", "upload_url", "uploaded", "created_at"],
            onConflict: "(sink, call_key) DO UPDATE SET uploaded = excluded.uploaded"),
        Table(
            name: "sink_state", columns: ["sink", "reason", "since"],
            onConflict: "(sink) DO UPDATE SET reason = excluded.reason, since = excluded.since"),
        Table(
            name: "quarantine",
            columns: [
                "id", "source", "received_at", "content_type", "query", "body", "status", "code", "error",
                "resolved_at",
            ],
            onConflict: "(id) DO UPDATE SET resolved_at = excluded.resolved_at"),
    ]

    /// Tables whose ids come from a sequence, moved past the copied ids afterwards.
    static let sequenced = ["request", "delivery", "attempt", "quarantine"]

    /// Copies every table; returns the rows copied per table, in copy order.
    /// - Parameters:
    ///   - resume: the target already holds an earlier copy of this source (otherwise a target
    ///     with data is refused, so two installations are never mixed by accident).
    public static func copy(
        from source: SQLiteStore, to target: PostgresStore, resume: Bool, batch: Int = 500,
        progress: @Sendable (String, Int) -> Void = { _, _ in }
    ) async throws -> [(table: String, rows: Int)] {
        if !resume {
            let rows = try await target.select(
                SQL("SELECT (SELECT count(*) FROM request) + (SELECT count(*) FROM quarantine)")
            ) { try $0.decode(Int64.self) }
            if (rows.first ?? 0) > 0 {
                throw StoreError(
                    "the PostgreSQL store already holds data; pass --resume to bring an earlier copy up to date")
            }
        }
        let snapshot: DatabaseSnapshot
        do {
            snapshot = try source.pool.makeSnapshot()
        } catch {
            throw StoreError("cannot read \(source.path): \(error)")
        }
        var report: [(table: String, rows: Int)] = []
        for table in tables {
            var after: Int64 = 0
            var copied = 0
            while true {
                let page = try snapshot.read { db in
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT rowid, \(table.columns.joined(separator: ", ")) FROM \(table.name)
                            WHERE rowid > ? ORDER BY rowid LIMIT ?
                            """,
                        arguments: [after, batch])
                }
                guard let last = page.last else { break }
                after = last[0]
                let rows = page.map { row in (1...table.columns.count).map { row[$0] as DatabaseValue } }
                try await target.transaction { connection in
                    for values in rows { try await insert(values, into: table, on: connection, logger: target.logger) }
                }
                copied += page.count
                progress(table.name, copied)
            }
            report.append((table.name, copied))
        }
        try await target.withConnection { connection in
            for name in sequenced {
                try await connection.run(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(name)', 'id'),
                                coalesce((SELECT max(id) FROM \(name)), 0) + 1, false)
                            """), logger: target.logger
                )
            }
        }
        return report
    }

    static func insert(_ values: [DatabaseValue], into table: Table, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value.storage {
            case .null: binds.appendNull()
            case .int64(let v): binds.append(v)
            case .double(let v): binds.append(v)
            case .string(let v): binds.append(v)
            case .blob(let v): binds.append(ByteBuffer(bytes: v))
            }
        }
        let placeholders = (1...values.count).map { "$\($0)" }.joined(separator: ", ")
        let sql = """
            INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES (\(placeholders))
            ON CONFLICT \(table.onConflict)
            """
        try await connection.run(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
    }
}
