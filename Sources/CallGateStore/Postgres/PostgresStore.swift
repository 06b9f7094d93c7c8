import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The shared store: several gateway instances on one PostgreSQL database. Same rules as
/// `SQLiteStore` (one transaction per ingest, committed before the 2xx; the same identity, dedup,
/// revisions and merge, written once in `Ledger`), plus what sharing needs:
///
/// - ingests of one call are serialized across instances by transaction-scoped advisory locks on
///   the call key and each (source, leg, type), so revisions and merges never race;
/// - delivery workers claim due rows with a lease (`FOR UPDATE SKIP LOCKED`), so each row is
///   attempted by one instance at a time, and a row leased by an instance that died is taken over
///   once its lease expires;
/// - schema migrations and retention hold an advisory lock, so instances starting together or
///   pruning at once do not collide.
///
/// The connection pool runs as a `Service`: `callgate serve` runs the store first in its
/// `ServiceGroup`, so the pool closes after every other service has stopped. Outside a group, run it
/// around the work with `withStoreRunning` (one-shot commands) or `runInBackground()` (tests).
public final class PostgresStore: CallStore, Service {
    let client: PostgresClient
    /// The pool's run started by `runInBackground()`, ended by `close()`.
    let background = Mutex<Task<Void, Never>?>(nil)
    let logger: Logger
    /// How long a claimed delivery stays with this instance before others may take it over.
    public let lease: Duration
    /// Names this instance in `delivery.leased_by` and in attempt records.
    public let instance: String

    /// Connects and migrates the schema (under an advisory lock). Queries wait until the pool runs
    /// (`run()`).
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database?sslmode=disable|prefer|require`
    ///   - lease: longer than the slowest delivery attempt (the sinks' timeouts).
    public init(
        url: String, lease: Duration = .seconds(60), maximumConnections: Int = 20, instance: String? = nil,
        logger: Logger = Logger(label: "callgate.store")
    ) async throws {
        let target = try Target(url: url)
        var configuration = PostgresClient.Configuration(
            host: target.host, port: target.port, username: target.username, password: target.password,
            database: target.database, tls: target.tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration)
        self.client = client
        self.logger = logger
        self.lease = lease
        self.instance = instance ?? Self.defaultInstanceName()
        // One direct connection first: an unreachable server or a refused login fails here, at
        // once, instead of as the pool's retries running out; the schema is migrated on it.
        do {
            let connection = try await PostgresConnection.connect(
                configuration: PostgresConnection.Configuration(
                    host: target.host, port: target.port, username: target.username, password: target.password,
                    database: target.database, tls: target.connectionTLS),
                id: 0, logger: logger)
            do {
                try await Self.migrate(on: connection, logger: logger)
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("cannot open the PostgreSQL store at \(Self.redacted(url)): \(Self.describe(error))")
        }
    }

    /// Runs the connection pool until the group's graceful shutdown or the task's cancellation,
    /// then closes its connections. Once per store.
    public func run() async {
        await client.run()
    }

    /// Runs the pool in a task of its own until `close()`, for a store with no `ServiceGroup` and no
    /// scope to run it in (tests); returns the store.
    @discardableResult
    public func runInBackground() -> PostgresStore {
        let client = self.client
        background.withLock { task in
            if task == nil { task = Task { await client.run() } }
        }
        return self
    }

    static func defaultInstanceName() -> String {
        let host = ProcessInfo.processInfo.hostName
        return "\(host):\(getpid()):\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
    }

    /// Where a `postgres://` (or `postgresql://`) URL points.
    struct Target {
        var host: String
        var port: Int
        var username: String
        var password: String?
        var database: String?
        var tls: PostgresClient.Configuration.TLS
        var connectionTLS: PostgresConnection.Configuration.TLS

        init(url: String) throws {
            guard let parts = URLComponents(string: url), let scheme = parts.scheme,
                ["postgres", "postgresql"].contains(scheme), let host = parts.host, !host.isEmpty
            else {
                throw StoreError("store.postgres must be a URL like postgres://user:password@host:5432/database")
            }
            self.host = host
            port = parts.port ?? 5432
            username = parts.user?.removingPercentEncoding ?? "postgres"
            password = parts.password?.removingPercentEncoding
            let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
            database = path.isEmpty ? nil : path
            let query = parts.queryItems ?? []
            let mode = query.first { $0.name == "sslmode" }?.value ?? "prefer"
            // As libpq: require encrypts without checking the certificate, verify-ca checks it
            // against the trusted roots (sslrootcert, or the system's), verify-full also checks
            // that it names the host.
            var settings = TLSConfiguration.makeClientConfiguration()
            if let root = query.first(where: { $0.name == "sslrootcert" })?.value, !root.isEmpty {
                guard FileManager.default.isReadableFile(atPath: root) else {
                    throw StoreError("store.postgres: sslrootcert \(root) cannot be read")
                }
                settings.trustRoots = .file(root)
            }
            switch mode {
            case "disable":
                (tls, connectionTLS) = (.disable, .disable)
            case "prefer", "allow":
                settings.certificateVerification = .none
                let context = try NIOSSLContext(configuration: settings)
                (tls, connectionTLS) = (.prefer(settings), .prefer(context))
            case "require", "verify-ca", "verify-full":
                settings.certificateVerification =
                    mode == "verify-full" ? .fullVerification : mode == "verify-ca" ? .noHostnameVerification : .none
                let context = try NIOSSLContext(configuration: settings)
                (tls, connectionTLS) = (.require(settings), .require(context))
            default:
                throw StoreError(
                    "store.postgres: unknown sslmode \(mode) (disable, allow, prefer, require, verify-ca or verify-full)"
                )
            }
        }
    }

    /// The URL without its password, for messages.
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "<unparseable URL>" }
        if parts.password != nil { parts.password = "redacted" }
        return parts.string ?? "<unparseable URL>"
    }

    /// What went wrong, from the server's message and SQLSTATE (never the query's values).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo {
            let message = info[.message] ?? "error"
            return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    /// A transaction the server may ask to run again: serialization failure, deadlock, a unique
    /// key taken by a concurrent transaction.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let state = (error as? PSQLError)?.serverInfo?[.sqlState] else { return false }
        return ["40001", "40P01", "23505"].contains(state)
    }

    /// Runs `body` in one transaction, again (up to 5 times) when the server asks for a retry.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var tries = 0
        while true {
            tries += 1
            do {
                return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            } catch let error as StoreError {
                throw error
            } catch  where Self.isRetryable(error) && tries < 5 {
                continue
            } catch {
                throw StoreError("PostgreSQL: \(Self.describe(error))")
            }
        }
    }

    /// Runs `body` on one pooled connection, outside a transaction.
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("PostgreSQL: \(Self.describe(error))")
        }
    }

    public func ingest(_ record: IngestRecord) async throws -> IngestOutcome {
        try await transaction { connection in try await PostgresLedger.ingest(record, on: connection, logger: logger) }
    }

    public func quarantine(_ entry: QuarantineEntry) async throws -> Int64 {
        try await withConnection { connection in
            let rows = try await connection.query(
                """
                INSERT INTO quarantine (source, received_at, content_type, query, body, status, code, error)
                VALUES (\(entry.source), \(entry.receivedAt.microseconds), \(entry.contentType), \(entry.query),
                    \(ByteBuffer(bytes: entry.body)), \(Int64(entry.status)), \(entry.code), \(entry.error))
                RETURNING id
                """, logger: logger)
            return try await rows.collect().first.map { try $0.decode(Int64.self) } ?? 0
        }
    }

    public func resolveQuarantine(id: Int64, at time: Timestamp) async throws {
        try await transaction { connection in
            try await PostgresLedger.resolveQuarantine(id: id, at: time, on: connection, logger: logger)
        }
    }

    public func requests(source: String?, since: Timestamp, afterId: Int64, limit: Int) async throws
        -> [StoredRequest]
    {
        var sql = SQL("SELECT id, source, received_at, content_type, query, body FROM request WHERE received_at >= ")
        sql.bind(since.microseconds)
        sql.append(" AND id > ")
        sql.bind(afterId)
        if let source {
            sql.append(" AND source = ")
            sql.bind(source)
        }
        sql.append(" ORDER BY id LIMIT ")
        sql.bind(Int64(min(limit, Int(Int32.max))))
        return try await select(sql) { row in
            let (id, source, at, contentType, query, body) = try row.decode(
                (Int64, String, Int64, String?, String?, ByteBuffer?).self)
            return StoredRequest(
                id: id, source: source, receivedAt: Timestamp(microseconds: at), contentType: contentType,
                query: query, body: body.map { Array($0.readableBytesView) })
        }
    }

    public func events(callKey: String?, limit: Int) async throws -> [CallEvent] {
        var sql = SQL("SELECT json FROM event")
        if let callKey {
            sql.append(" WHERE call_key = ")
            sql.bind(callKey)
        }
        sql.append(" ORDER BY seq DESC LIMIT ")
        sql.bind(Int64(limit))
        return try await select(sql) { row in
            try StoredJSON.event(Array(try row.decode(ByteBuffer.self).readableBytesView))
        }
    }

    public func call(key: String) async throws -> CallRecord? {
        try await withConnection { connection in
            try await PostgresLedger.calls(keys: [key], on: connection, logger: logger)[key]
        }
    }

    /// Read-only (probes are frequent): a pooled connection answers, and the server is a primary.
    public func checkWritable() async throws {
        try await withConnection { connection in
            let rows = try await connection.query("SELECT pg_is_in_recovery()", logger: logger).collect()
            if try rows.first?.decode(Bool.self) == true {
                throw StoreError("the PostgreSQL server is read-only (a standby)")
            }
        }
    }

    /// Runs one statement and maps its rows.
    func select<T: Sendable>(_ sql: SQL, _ map: @escaping @Sendable (PostgresRow) throws -> T) async throws -> [T] {
        try await withConnection { connection in
            try await connection.query(sql.query, logger: logger).collect().map(map)
        }
    }

    /// Runs one statement; how many rows it changed.
    @discardableResult
    func execute(_ sql: SQL, on connection: PostgresConnection) async throws -> Int {
        try await connection.execute(sql.query, logger: logger)
    }

    /// Stops a pool run by `runInBackground()`; one run by a group or `withStoreRunning` stops with
    /// it.
    public func close() async throws {
        let running = background.withLock { task in
            defer { task = nil }
            return task
        }
        guard let task = running else { return }
        task.cancel()
        await task.value
    }
}

/// Builds a statement with `$n` placeholders and its bound values.
struct SQL: Sendable {
    var text: String
    var binds = PostgresBindings()

    init(_ text: String) { self.text = text }

    /// A statement written with its own `$1`, `$2`… placeholders, and their values in order.
    init<each Value: PostgresDynamicTypeEncodable>(_ text: String, _ values: repeat each Value) {
        self.text = text
        repeat binds.append(each values)
    }

    mutating func append(_ more: String) { text += more }

    mutating func bind<T: PostgresDynamicTypeEncodable>(_ value: T) {
        binds.append(value)
        text += "$\(binds.count)"
    }

    mutating func bind<T: PostgresDynamicTypeEncodable>(_ value: T?) {
        binds.append(value)
        text += "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: binds) }
}

extension PostgresConnection {
    /// Runs a statement whose rows are not needed.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }

    /// Runs a statement and returns how many rows it changed (from the command tag).
    func execute(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        let result: EventLoopFuture<PostgresQueryResult> = self.query(query, logger: logger)
        return try await result.get().metadata.rows ?? 0
    }
}
