import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation
import GRDB

/// Operators' queries on the SQLite store: filtered pages with the cursor in SQL, outbox counts,
/// retention in short batches through the group committer (so pruning interleaves with ingest
/// instead of holding the write lock), and the online backup.
extension SQLiteStore {
    public func deliveries(_ query: DeliveryQuery) async throws -> [Delivery] {
        try await pool.read { db in
            var sql = "SELECT * FROM delivery WHERE id > ?"
            var arguments: StatementArguments = [query.after]
            if let status = query.status {
                sql += " AND status = ?"
                arguments += [status.rawValue]
            }
            if let sink = query.sink {
                sql += " AND sink = ?"
                arguments += [sink]
            }
            if let eventId = query.eventId {
                sql += " AND event_id = ?"
                arguments += [eventId]
            }
            arguments += [query.limit]
            return try Row.fetchAll(db, sql: sql + " ORDER BY id LIMIT ?", arguments: arguments).map(Self.delivery)
        }
    }

    public func delivery(id: Int64) async throws -> Delivery? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id]).map(Self.delivery)
        }
    }

    public func replayDelivery(id: Int64, now: Timestamp) async throws -> Delivery? {
        try await committer.submit { db in
            try db.execute(
                sql: "UPDATE delivery SET status = 'pending', next_attempt_at = ? WHERE id = ?",
                arguments: [now.microseconds, id])
            return try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id]).map(Self.delivery)
        }
    }

    static func delivery(_ row: Row) -> Delivery {
        Delivery(
            id: row["id"], eventId: row["event_id"], sink: row["sink"],
            status: DeliveryStatus(rawValue: row["status"]) ?? .pending, attempts: row["attempts"],
            nextAttemptAt: Timestamp(microseconds: row["next_attempt_at"]), lastError: row["last_error"],
            createdAt: Timestamp(microseconds: row["created_at"]))
    }

    public func outboxStats() async throws -> [OutboxStats] {
        try await pool.read { db in
            var stats: [String: OutboxStats] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT sink, status, count(*), min(created_at) FROM delivery
                    WHERE status IN ('pending', 'dead') GROUP BY sink, status
                    """)
            for row in rows {
                let sink: String = row[0]
                var s = stats[sink] ?? OutboxStats(sink: sink, pending: 0, oldestPending: nil, dead: 0)
                if row[1] as String == "pending" {
                    s.pending = row[2]
                    s.oldestPending = Timestamp(microseconds: row[3])
                } else {
                    s.dead = row[2]
                }
                stats[sink] = s
            }
            return stats.values.sorted { $0.sink < $1.sink }
        }
    }

    public func quarantined(_ query: QuarantineQuery) async throws -> [QuarantineEntry] {
        try await pool.read { db in
            var sql = "SELECT * FROM quarantine WHERE id > ?"
            var arguments: StatementArguments = [query.after]
            if let source = query.source {
                sql += " AND source = ?"
                arguments += [source]
            }
            if !query.includeResolved { sql += " AND resolved_at IS NULL" }
            arguments += [query.limit]
            return try Row.fetchAll(db, sql: sql + " ORDER BY id LIMIT ?", arguments: arguments).map(Self.quarantine)
        }
    }

    public func quarantineEntry(id: Int64) async throws -> QuarantineEntry? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM quarantine WHERE id = ?", arguments: [id]).map(Self.quarantine)
        }
    }

    static func quarantine(_ row: Row) -> QuarantineEntry {
        QuarantineEntry(
            id: row["id"], source: row["source"], receivedAt: Timestamp(microseconds: row["received_at"]),
            contentType: row["content_type"], query: row["query"], body: [UInt8](row["body"] as Data),
            status: row["status"], code: row["code"], error: row["error"],
            resolvedAt: (row["resolved_at"] as Int64?).map(Timestamp.init(microseconds:)))
    }

    public func prune(_ kind: RetentionKind, before time: Timestamp, limit: Int) async throws -> Int {
        try await committer.submit { db in
            let cutoff = time.microseconds
            switch kind {
            case .requests:
                try db.execute(
                    sql: """
                        UPDATE request SET body = NULL WHERE id IN (
                            SELECT id FROM request WHERE received_at < ? AND body IS NOT NULL LIMIT ?)
                        """,
                    arguments: [cutoff, limit])
                return db.changesCount
            case .deliveries:
                // A delivered row's next_attempt_at is when its successful attempt was due.
                let ids = try Int64.fetchAll(
                    db,
                    sql: "SELECT id FROM delivery WHERE status = 'delivered' AND next_attempt_at < ? LIMIT ?",
                    arguments: [cutoff, limit])
                guard !ids.isEmpty else { return 0 }
                let list = ids.map(String.init).joined(separator: ",")
                try db.execute(sql: "DELETE FROM attempt WHERE delivery_id IN (\(list))")
                try db.execute(sql: "DELETE FROM delivery WHERE id IN (\(list))")
                return db.changesCount
            case .attempts:
                try db.execute(
                    sql: "DELETE FROM attempt WHERE id IN (SELECT id FROM attempt WHERE at < ? LIMIT ?)",
                    arguments: [cutoff, limit])
                return db.changesCount
            }
        }
    }

    /// Copies the live database to `path` with SQLite's online backup API: a consistent snapshot
    /// while the gateway keeps writing. The copy is written next to `path` and renamed into place,
    /// so `path` never holds a partial backup.
    public func backup(to path: String, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws {
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            let destination = try DatabaseQueue(path: partial)
            try pool.backup(to: destination, pagesPerStep: 1024) { step in
                progress(step.completedPageCount, step.totalPageCount)
            }
            try destination.close()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw StoreError("cannot back up to \(path): \(error)")
        }
    }
}
