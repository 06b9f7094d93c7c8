import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation
import GRDB

/// The delivery side of the SQLite store (`Outbox`): due rows, attempts, dead rows, sink state.
/// Writes go through the group committer, so they are fsync'd like ingests.
extension SQLiteStore {
    public func dueDeliveries(sink: String, now: Timestamp, limit: Int, excluding: Set<Int64>, perCall: Bool)
        async throws -> [DueDelivery]
    {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT d.id, d.event_id, d.attempts, event.json, d.call_key, d.created_at,
                            dest.destination_id, dest.created_by, dest.upload_url, dest.uploaded, dest.created_at
                        FROM delivery d
                        JOIN event ON event.id = d.event_id
                        LEFT JOIN destination dest ON dest.sink = d.sink AND dest.call_key = d.call_key
                        WHERE d.sink = ? AND d.status = 'pending' AND d.next_attempt_at <= ?
                            AND (? = 0 OR NOT EXISTS (
                                SELECT 1 FROM delivery p WHERE p.sink = d.sink AND p.call_key = d.call_key
                                    AND p.status = 'pending' AND p.id < d.id))
                        ORDER BY d.next_attempt_at, d.id LIMIT ?
                        """),
                arguments: [sink, now.microseconds, perCall ? 1 : 0, limit + excluding.count])
            var out: [DueDelivery] = []
            for row in rows {
                let id: Int64 = row[0]
                if excluding.contains(id) { continue }
                let callKey: String = row[4] ?? ""
                var destination: Destination?
                if let destinationId: String = row[6] {
                    destination = Destination(
                        sink: sink, callKey: callKey, id: destinationId, createdBy: row[7], uploadURL: row[8],
                        uploaded: (row[9] as Int64? ?? 0) != 0, createdAt: Timestamp(microseconds: row[10]))
                }
                out.append(
                    DueDelivery(
                        id: id, eventId: row[1], sink: sink, attempts: row[2], event: [UInt8](row[3] as Data),
                        callKey: callKey, createdAt: Timestamp(microseconds: row[5]), destination: destination))
                if out.count == limit { break }
            }
            return out
        }
    }

    public func nextDue(sink: String, perCall: Bool) async throws -> Timestamp? {
        try await pool.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT min(d.next_attempt_at) FROM delivery d WHERE d.sink = ? AND d.status = 'pending'
                        AND (? = 0 OR NOT EXISTS (
                            SELECT 1 FROM delivery p WHERE p.sink = d.sink AND p.call_key = d.call_key
                                AND p.status = 'pending' AND p.id < d.id))
                    """,
                arguments: [sink, perCall ? 1 : 0]
            ).map(Timestamp.init(microseconds:))
        }
    }

    public func recordAttempt(_ attempt: DeliveryAttempt) async throws {
        try await committer.submit { db in
            if let destination = attempt.destination { try Self.write(destination, db) }
            let (result, next): (String, Int64?)
            switch attempt.result {
            case .delivered: (result, next) = ("delivered", nil)
            case .retry(let at): (result, next) = ("retry", at.microseconds)
            case .dead: (result, next) = ("dead", nil)
            case .deferred(let until):
                try db.execute(
                    sql: "UPDATE delivery SET next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'",
                    arguments: [until.microseconds, attempt.error, attempt.deliveryId])
                return
            }
            try db.execute(
                sql: """
                    INSERT INTO attempt (delivery_id, at, status_code, latency_ms, error, result, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    attempt.deliveryId, attempt.at.microseconds, attempt.statusCode, attempt.latencyMilliseconds,
                    attempt.error, result, next,
                ])
            let status = result == "retry" ? "pending" : result
            try db.execute(
                sql: """
                    UPDATE delivery SET status = ?, attempts = attempts + 1, last_error = ?,
                        next_attempt_at = coalesce(?, next_attempt_at)
                    WHERE id = ?
                    """,
                arguments: [status, attempt.error, next, attempt.deliveryId])
            if attempt.disablesSink {
                try db.execute(
                    sql: """
                        INSERT INTO sink_state (sink, reason, since)
                        SELECT sink, ?, ? FROM delivery WHERE id = ?
                        ON CONFLICT(sink) DO NOTHING
                        """,
                    arguments: [attempt.error, attempt.at.microseconds, attempt.deliveryId])
            }
        }
    }

    /// Creates the destination's record of a call, or marks its recording uploaded.
    static func write(_ destination: Destination, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO destination (sink, call_key, destination_id, created_by, upload_url, uploaded, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(sink, call_key) DO UPDATE SET uploaded = excluded.uploaded
                """,
            arguments: [
                destination.sink, destination.callKey, destination.id, destination.createdBy, destination.uploadURL,
                destination.uploaded ? 1 : 0, destination.createdAt.microseconds,
            ])
    }

    public func attempts(delivery: Int64) async throws -> [DeliveryAttempt] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM attempt WHERE delivery_id = ? ORDER BY id", arguments: [delivery])
                .map { row in
                    let result: DeliveryAttempt.Result =
                        switch row["result"] as String {
                        case "delivered": .delivered
                        case "dead": .dead
                        default: .retry(at: Timestamp(microseconds: row["next_attempt_at"] ?? 0))
                        }
                    return DeliveryAttempt(
                        deliveryId: delivery, at: Timestamp(microseconds: row["at"]), statusCode: row["status_code"],
                        latencyMilliseconds: row["latency_ms"], error: row["error"], result: result)
                }
        }
    }

    public func replayDead(sink: String?, since: Timestamp?, now: Timestamp) async throws -> Int {
        try await committer.submit { db in
            var sql = "UPDATE delivery SET status = 'pending', next_attempt_at = ? WHERE status = 'dead'"
            var arguments: StatementArguments = [now.microseconds]
            if let sink {
                sql += " AND sink = ?"
                arguments += [sink]
            }
            if let since {
                sql += " AND created_at >= ?"
                arguments += [since.microseconds]
            }
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }

    public func disabledSinks() async throws -> [SinkState] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sink_state ORDER BY sink").map { row in
                SinkState(sink: row["sink"], reason: row["reason"], since: Timestamp(microseconds: row["since"]))
            }
        }
    }

    public func setSink(_ sink: String, disabled: Bool, reason: String?, at time: Timestamp) async throws {
        try await committer.submit { db in
            if disabled {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO sink_state (sink, reason, since) VALUES (?, ?, ?)",
                    arguments: [sink, reason, time.microseconds])
            } else {
                try db.execute(sql: "DELETE FROM sink_state WHERE sink = ?", arguments: [sink])
            }
        }
    }
}
