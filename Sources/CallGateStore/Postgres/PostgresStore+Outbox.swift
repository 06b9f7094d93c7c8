import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import PostgresNIO

/// The delivery side on PostgreSQL. A worker claims due rows by leasing them: one statement picks
/// rows nobody holds (`FOR UPDATE SKIP LOCKED`, so concurrent claims from other instances pass
/// over each other's rows instead of waiting) and stamps them `leased_by` this instance until
/// `now + lease`. Recording the attempt releases the lease. A row whose lease ran out (its instance
/// died or hung) is due again for everyone.
extension PostgresStore {
    public func dueDeliveries(sink: String, now: Timestamp, limit: Int, excluding: Set<Int64>, perCall: Bool)
        async throws -> [DueDelivery]
    {
        let until = now.microseconds + lease.microseconds
        let busy = Array(excluding)
        return try await transaction { connection in
            // With `perCall`, a row waits while an earlier row of its call is pending, whoever
            // holds it: the check reads committed rows, so another instance's lease blocks too.
            let rows = try await connection.query(
                """
                WITH claimed AS (
                    SELECT id FROM delivery d
                    WHERE sink = \(sink) AND status = 'pending' AND next_attempt_at <= \(now.microseconds)
                        AND (lease_until IS NULL OR lease_until <= \(now.microseconds)) AND id <> ALL(\(busy))
                        AND (NOT \(perCall) OR NOT EXISTS (
                            SELECT 1 FROM delivery p WHERE p.sink = d.sink AND p.call_key = d.call_key
                                AND p.status = 'pending' AND p.id < d.id))
                    ORDER BY next_attempt_at, id LIMIT \(Int64(limit))
                    FOR UPDATE SKIP LOCKED)
                UPDATE delivery SET lease_until = \(until), leased_by = \(instance)
                FROM claimed WHERE delivery.id = claimed.id
                RETURNING delivery.id, delivery.event_id, delivery.attempts, delivery.next_attempt_at,
                    (SELECT json FROM event WHERE event.id = delivery.event_id), coalesce(delivery.call_key, ''),
                    delivery.created_at
                """, logger: logger
            ).collect()
            var due: [(Int64, DueDelivery)] = []
            for row in rows {
                let (id, eventId, attempts, next, json, callKey, created) = try row.decode(
                    (Int64, String, Int64, Int64, ByteBuffer, String, Int64).self)
                due.append(
                    (
                        next,
                        DueDelivery(
                            id: id, eventId: eventId, sink: sink, attempts: Int(attempts),
                            event: Array(json.readableBytesView), callKey: callKey,
                            createdAt: Timestamp(microseconds: created))
                    ))
            }
            let keys = Array(Set(due.map(\.1.callKey)))
            if !keys.isEmpty {
                var destinations: [String: Destination] = [:]
                for row in try await connection.query(
                    """
                    SELECT call_key, destination_id, created_by, upload_url, uploaded, created_at FROM destination
                    WHERE sink = \(sink) AND call_key = ANY(\(keys))
                    """, logger: logger
                ).collect() {
                    let (key, id, createdBy, uploadURL, uploaded, created) = try row.decode(
                        (String, String, Int64, String?, Int64, Int64).self)
                    destinations[key] = Destination(
                        sink: sink, callKey: key, id: id, createdBy: createdBy, uploadURL: uploadURL,
                        uploaded: uploaded != 0, createdAt: Timestamp(microseconds: created))
                }
                for i in due.indices { due[i].1.destination = destinations[due[i].1.callKey] }
            }
            return due.sorted { ($0.0, $0.1.id) < ($1.0, $1.1.id) }.map(\.1)
        }
    }

    public func nextDue(sink: String, perCall: Bool) async throws -> Timestamp? {
        // A row leased by another instance is due, for this one, when the lease runs out.
        try await select(
            SQL(
                """
                SELECT min(greatest(next_attempt_at, coalesce(lease_until, 0))) FROM delivery d
                WHERE sink = $1 AND status = 'pending'
                    AND (NOT $2 OR NOT EXISTS (
                        SELECT 1 FROM delivery p WHERE p.sink = d.sink AND p.call_key = d.call_key
                            AND p.status = 'pending' AND p.id < d.id))
                """, sink, perCall)
        ) { row in try row.decode(Int64?.self) }.first?.map(Timestamp.init(microseconds:))
    }

    public func recordAttempt(_ attempt: DeliveryAttempt) async throws {
        let (result, next): (String, Int64?)
        switch attempt.result {
        case .delivered: (result, next) = ("delivered", nil)
        case .retry(let at): (result, next) = ("retry", at.microseconds)
        case .dead: (result, next) = ("dead", nil)
        case .deferred(let until): (result, next) = ("deferred", until.microseconds)
        }
        let status = result == "retry" ? "pending" : result
        try await transaction { connection in
            if let destination = attempt.destination {
                try await connection.run(
                    """
                    INSERT INTO destination (sink, call_key, destination_id, created_by, upload_url, uploaded, created_at)
                    VALUES (\(destination.sink), \(destination.callKey), \(destination.id), \(destination.createdBy),
                        \(destination.uploadURL), \(Int64(destination.uploaded ? 1 : 0)), \(destination.createdAt.microseconds))
                    ON CONFLICT (sink, call_key) DO UPDATE SET uploaded = excluded.uploaded
                    """, logger: logger
                )
            }
            if result == "deferred" {
                try await connection.run(
                    """
                    UPDATE delivery SET next_attempt_at = \(next), last_error = \(attempt.error), lease_until = NULL,
                        leased_by = NULL
                    WHERE id = \(attempt.deliveryId) AND status = 'pending'
                    """, logger: logger
                )
                return
            }
            try await connection.run(
                """
                INSERT INTO attempt (delivery_id, at, status_code, latency_ms, error, result, next_attempt_at, instance)
                VALUES (\(attempt.deliveryId), \(attempt.at.microseconds), \(attempt.statusCode.map(Int64.init)),
                    \(attempt.latencyMilliseconds), \(attempt.error), \(result), \(next), \(instance))
                """, logger: logger
            )
            // Only a pending row moves: when this instance's lease ran out and another delivered
            // the row meanwhile, this late result is kept as an attempt but does not undo that.
            try await connection.run(
                """
                UPDATE delivery SET status = \(status), attempts = attempts + 1, last_error = \(attempt.error),
                    next_attempt_at = coalesce(\(next), next_attempt_at), lease_until = NULL, leased_by = NULL
                WHERE id = \(attempt.deliveryId) AND status = 'pending'
                """, logger: logger
            )
            if attempt.disablesSink {
                try await connection.run(
                    """
                    INSERT INTO sink_state (sink, reason, since)
                    SELECT sink, \(attempt.error), \(attempt.at.microseconds) FROM delivery WHERE id = \(attempt.deliveryId)
                    ON CONFLICT (sink) DO NOTHING
                    """, logger: logger
                )
            }
        }
    }

    public func attempts(delivery: Int64) async throws -> [DeliveryAttempt] {
        try await select(
            SQL(
                """
                SELECT at, status_code, latency_ms, error, result, next_attempt_at FROM attempt
                WHERE delivery_id = $1 ORDER BY id
                """, delivery)
        ) { row in
            let (at, code, latency, error, result, next) = try row.decode(
                (Int64, Int64?, Double, String?, String, Int64?).self)
            let outcome: DeliveryAttempt.Result =
                switch result {
                case "delivered": .delivered
                case "dead": .dead
                default: .retry(at: Timestamp(microseconds: next ?? 0))
                }
            return DeliveryAttempt(
                deliveryId: delivery, at: Timestamp(microseconds: at), statusCode: code.map(Int.init),
                latencyMilliseconds: latency, error: error, result: outcome)
        }
    }

    public func replayDead(sink: String?, since: Timestamp?, now: Timestamp) async throws -> Int {
        var sql = SQL("UPDATE delivery SET status = 'pending', lease_until = NULL, next_attempt_at = ")
        sql.bind(now.microseconds)
        sql.append(" WHERE status = 'dead'")
        if let sink {
            sql.append(" AND sink = ")
            sql.bind(sink)
        }
        if let since {
            sql.append(" AND created_at >= ")
            sql.bind(since.microseconds)
        }
        return try await withConnection { connection in try await self.execute(sql, on: connection) }
    }

    public func disabledSinks() async throws -> [SinkState] {
        try await select(SQL("SELECT sink, reason, since FROM sink_state ORDER BY sink")) { row in
            let (sink, reason, since) = try row.decode((String, String?, Int64).self)
            return SinkState(sink: sink, reason: reason, since: Timestamp(microseconds: since))
        }
    }

    public func setSink(_ sink: String, disabled: Bool, reason: String?, at time: Timestamp) async throws {
        try await withConnection { connection in
            if disabled {
                try await connection.run(
                    """
                    INSERT INTO sink_state (sink, reason, since) VALUES (\(sink), \(reason), \(time.microseconds))
                    ON CONFLICT (sink) DO UPDATE SET reason = excluded.reason, since = excluded.since
                    """, logger: logger
                )
            } else {
                try await connection.run("DELETE FROM sink_state WHERE sink = \(sink)", logger: logger)
            }
        }
    }
}

extension Duration {
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
