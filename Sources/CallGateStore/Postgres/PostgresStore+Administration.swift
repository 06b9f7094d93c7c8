import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import PostgresNIO

/// Operators' queries on PostgreSQL. Retention prunes in short transactions and only on one
/// instance at a time: a batch runs only while its transaction holds the retention advisory lock;
/// an instance that finds it taken prunes nothing this round.
extension PostgresStore {
    static let deliveryColumns =
        "id, event_id, sink, status, attempts, next_attempt_at, last_error, created_at"

    public func deliveries(_ query: DeliveryQuery) async throws -> [Delivery] {
        var sql = SQL("SELECT \(Self.deliveryColumns) FROM delivery WHERE id > ")
        sql.bind(query.after)
        if let status = query.status {
            sql.append(" AND status = ")
            sql.bind(status.rawValue)
        }
        if let sink = query.sink {
            sql.append(" AND sink = ")
            sql.bind(sink)
        }
        if let eventId = query.eventId {
            sql.append(" AND event_id = ")
            sql.bind(eventId)
        }
        sql.append(" ORDER BY id LIMIT ")
        sql.bind(Int64(query.limit))
        return try await select(sql, Self.delivery)
    }

    public func delivery(id: Int64) async throws -> Delivery? {
        try await select(SQL("SELECT \(Self.deliveryColumns) FROM delivery WHERE id = $1", id), Self.delivery).first
    }

    public func replayDelivery(id: Int64, now: Timestamp) async throws -> Delivery? {
        try await select(
            SQL(
                """
                UPDATE delivery SET status = 'pending', next_attempt_at = $1, lease_until = NULL, leased_by = NULL
                WHERE id = $2 RETURNING \(Self.deliveryColumns)
                """, now.microseconds, id), Self.delivery
        ).first
    }

    @Sendable static func delivery(_ row: PostgresRow) throws -> Delivery {
        let (id, eventId, sink, status, attempts, next, error, created) = try row.decode(
            (Int64, String, String, String, Int64, Int64, String?, Int64).self)
        return Delivery(
            id: id, eventId: eventId, sink: sink, status: DeliveryStatus(rawValue: status) ?? .pending,
            attempts: Int(attempts), nextAttemptAt: Timestamp(microseconds: next), lastError: error,
            createdAt: Timestamp(microseconds: created))
    }

    public func outboxStats() async throws -> [OutboxStats] {
        let rows = try await select(
            SQL(
                """
                SELECT sink, status, count(*), min(created_at) FROM delivery
                WHERE status IN ('pending', 'dead') GROUP BY sink, status
                """)
        ) { row in try row.decode((String, String, Int64, Int64).self) }
        var stats: [String: OutboxStats] = [:]
        for (sink, status, count, oldest) in rows {
            var s = stats[sink] ?? OutboxStats(sink: sink, pending: 0, oldestPending: nil, dead: 0)
            if status == "pending" {
                s.pending = Int(count)
                s.oldestPending = Timestamp(microseconds: oldest)
            } else {
                s.dead = Int(count)
            }
            stats[sink] = s
        }
        return stats.values.sorted { $0.sink < $1.sink }
    }

    static let quarantineColumns =
        "id, source, received_at, content_type, query, body, status, code, error, resolved_at"

    public func quarantined(_ query: QuarantineQuery) async throws -> [QuarantineEntry] {
        var sql = SQL("SELECT \(Self.quarantineColumns) FROM quarantine WHERE id > ")
        sql.bind(query.after)
        if let source = query.source {
            sql.append(" AND source = ")
            sql.bind(source)
        }
        if !query.includeResolved { sql.append(" AND resolved_at IS NULL") }
        sql.append(" ORDER BY id LIMIT ")
        sql.bind(Int64(query.limit))
        return try await select(sql, Self.quarantine)
    }

    public func quarantineEntry(id: Int64) async throws -> QuarantineEntry? {
        try await select(SQL("SELECT \(Self.quarantineColumns) FROM quarantine WHERE id = $1", id), Self.quarantine)
            .first
    }

    @Sendable static func quarantine(_ row: PostgresRow) throws -> QuarantineEntry {
        let (id, source, received, contentType, query, body, status, code, error, resolved) = try row.decode(
            (Int64, String, Int64, String?, String?, ByteBuffer, Int64, String, String, Int64?).self)
        return QuarantineEntry(
            id: id, source: source, receivedAt: Timestamp(microseconds: received), contentType: contentType,
            query: query, body: Array(body.readableBytesView), status: Int(status), code: code, error: error,
            resolvedAt: resolved.map(Timestamp.init(microseconds:)))
    }

    public func prune(_ kind: RetentionKind, before time: Timestamp, limit: Int) async throws -> Int {
        let cutoff = time.microseconds
        let limit = Int64(limit)
        return try await transaction { connection in
            let lock = try await connection.query(
                "SELECT pg_try_advisory_xact_lock(\(AdvisoryLock.retention.rawValue))", logger: logger
            ).collect()
            guard try lock.first?.decode(Bool.self) == true else { return 0 }
            switch kind {
            case .requests:
                return try await connection.execute(
                    """
                    UPDATE request SET body = NULL WHERE id IN (
                        SELECT id FROM request WHERE received_at < \(cutoff) AND body IS NOT NULL LIMIT \(limit))
                    """, logger: logger)
            case .deliveries:
                let rows = try await connection.query(
                    """
                    SELECT id FROM delivery WHERE status = 'delivered' AND next_attempt_at < \(cutoff) LIMIT \(limit)
                    """, logger: logger
                ).collect()
                let ids = try rows.map { try $0.decode(Int64.self) }
                guard !ids.isEmpty else { return 0 }
                try await connection.run("DELETE FROM attempt WHERE delivery_id = ANY(\(ids))", logger: logger)
                return try await connection.execute("DELETE FROM delivery WHERE id = ANY(\(ids))", logger: logger)
            case .attempts:
                return try await connection.execute(
                    "DELETE FROM attempt WHERE id IN (SELECT id FROM attempt WHERE at < \(cutoff) LIMIT \(limit))",
                    logger: logger)
            }
        }
    }
}
