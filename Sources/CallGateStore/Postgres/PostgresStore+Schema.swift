import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Logging
import PostgresNIO

/// The schema, migrated by whichever instance starts first: each holds a session advisory lock
/// while it checks and applies migrations, so instances starting at once wait for one another and
/// find the work done.
extension PostgresStore {
    /// Names the advisory locks of the schema and of retention.
    enum AdvisoryLock: Int64 {
        case migrations = 0x4361_6C6C_4761_7465  // "CallGate"
        case retention = 0x4361_6C6C_5265_7400
    }

    static let migrations: [(name: String, sql: [String])] = [
        (
            "v1",
            [
                """
                CREATE TABLE request (
                    id BIGSERIAL PRIMARY KEY,
                    source TEXT NOT NULL,
                    received_at BIGINT NOT NULL,
                    content_type TEXT,
                    query TEXT,
                    body BYTEA
                )
                """,
                "CREATE INDEX request_body_by_time ON request(received_at) WHERE body IS NOT NULL",
                "CREATE INDEX request_by_time ON request(received_at)",
                """
                CREATE TABLE event (
                    id TEXT PRIMARY KEY,
                    seq BIGSERIAL NOT NULL UNIQUE,
                    request_id BIGINT NOT NULL REFERENCES request(id),
                    source TEXT NOT NULL,
                    leg TEXT NOT NULL,
                    type TEXT NOT NULL,
                    revision BIGINT NOT NULL,
                    call_key TEXT NOT NULL,
                    received_at BIGINT NOT NULL,
                    json BYTEA NOT NULL
                )
                """,
                "CREATE INDEX event_by_leg ON event(source, leg, type, revision)",
                "CREATE INDEX event_by_call ON event(call_key, seq)",
                """
                CREATE TABLE call (
                    call_key TEXT PRIMARY KEY,
                    updated_at BIGINT NOT NULL,
                    json BYTEA NOT NULL
                )
                """,
                """
                CREATE TABLE delivery (
                    id BIGSERIAL PRIMARY KEY,
                    event_id TEXT NOT NULL REFERENCES event(id),
                    sink TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending',
                    attempts BIGINT NOT NULL DEFAULT 0,
                    next_attempt_at BIGINT NOT NULL,
                    last_error TEXT,
                    created_at BIGINT NOT NULL,
                    lease_until BIGINT,
                    leased_by TEXT,
                    UNIQUE (event_id, sink)
                )
                """,
                "CREATE INDEX delivery_due ON delivery(sink, status, next_attempt_at)",
                "CREATE INDEX delivery_by_status ON delivery(status, next_attempt_at)",
                """
                CREATE TABLE attempt (
                    id BIGSERIAL PRIMARY KEY,
                    delivery_id BIGINT NOT NULL REFERENCES delivery(id),
                    at BIGINT NOT NULL,
                    status_code BIGINT,
                    latency_ms DOUBLE PRECISION NOT NULL,
                    error TEXT,
                    result TEXT NOT NULL,
                    next_attempt_at BIGINT,
                    instance TEXT
                )
                """,
                "CREATE INDEX attempt_by_delivery ON attempt(delivery_id)",
                "CREATE INDEX attempt_by_time ON attempt(at)",
                """
                CREATE TABLE sink_state (
                    sink TEXT PRIMARY KEY,
                    reason TEXT,
                    since BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE quarantine (
                    id BIGSERIAL PRIMARY KEY,
                    source TEXT NOT NULL,
                    received_at BIGINT NOT NULL,
                    content_type TEXT,
                    query TEXT,
                    body BYTEA NOT NULL,
                    status BIGINT NOT NULL,
                    code TEXT NOT NULL,
                    error TEXT NOT NULL,
                    resolved_at BIGINT
                )
                """,
            ]
        ),
        (
            // Outbound transforms: a row's call (per-call ordering) and each destination's object
            // per call (Docs/targets.md).
            name: "v2-destinations",
            sql: [
                "ALTER TABLE delivery ADD COLUMN call_key TEXT",
                "UPDATE delivery SET call_key = event.call_key FROM event WHERE event.id = delivery.event_id",
                "CREATE INDEX delivery_pending_by_call ON delivery(sink, call_key, id) WHERE status = 'pending'",
                """
                CREATE TABLE destination (
                    sink TEXT NOT NULL,
                    call_key TEXT NOT NULL,
                    destination_id TEXT NOT NULL,
                    created_by BIGINT NOT NULL,
                    upload_url TEXT,
                    uploaded BIGINT NOT NULL DEFAULT 0,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (sink, call_key)
                )
                """,
            ]
        ),
    ]

    /// Applies the migrations this database lacks, each in its own transaction, under the
    /// migrations advisory lock (held by this session); refuses a database migrated by a newer
    /// callgate.
    static func migrate(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("SELECT pg_advisory_lock(\(AdvisoryLock.migrations.rawValue))", logger: logger)
        do {
            try await applyMigrations(on: connection, logger: logger)
            try await connection.run("SELECT pg_advisory_unlock(\(AdvisoryLock.migrations.rawValue))", logger: logger)
        } catch {
            try? await connection.run("SELECT pg_advisory_unlock(\(AdvisoryLock.migrations.rawValue))", logger: logger)
            throw error
        }
    }

    private static func applyMigrations(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run(
            """
            CREATE TABLE IF NOT EXISTS callgate_migration (
                name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
            """, logger: logger
        )
        var applied: Set<String> = []
        for row in try await connection.query("SELECT name FROM callgate_migration", logger: logger).collect() {
            applied.insert(try row.decode(String.self))
        }
        let known = Set(migrations.map(\.name))
        if !applied.isSubset(of: known) {
            throw StoreError("the database was migrated by a newer callgate; run that version or restore a backup")
        }
        for migration in migrations where !applied.contains(migration.name) {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.sql {
                    try await connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.run(
                    "INSERT INTO callgate_migration (name) VALUES (\(migration.name))", logger: logger
                )
            }
            logger.info("store migrated", metadata: ["migration": "\(migration.name)"])
        }
    }
}
