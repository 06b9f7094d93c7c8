import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import Foundation
import PostgresNIO

/// The stores the store-level and end-to-end tests run against. PostgreSQL joins when
/// `CALLGATE_TEST_POSTGRES` names a server (`.ci/postgres` starts one and prints its URL); each test
/// then gets a database of its own. `CALLGATE_REQUIRE_POSTGRES=1` (set by `.ci/run`) makes a missing
/// server a failure instead of a smaller matrix.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case memory, sqlite, postgres

    public var description: String { rawValue }

    /// The server URL for PostgreSQL tests, if one is configured.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["CALLGATE_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var postgresRequired: Bool {
        ProcessInfo.processInfo.environment["CALLGATE_REQUIRE_POSTGRES"] == "1"
    }

    /// Every kind this run can test.
    public static var available: [StoreKind] { postgresURL == nil ? [.memory, .sqlite] : allCases }

    /// The durable stores this run can test.
    public static var durable: [StoreKind] { available.filter { $0 != .memory } }

    /// A new, empty store of this kind.
    public func open(lease: Duration = .seconds(60)) async throws -> any CallStore {
        switch self {
        case .memory: return MemoryStore()
        case .sqlite: return try SQLiteStore(path: Self.temporaryFile("store.sqlite"))
        case .postgres:
            return try await PostgresStore(
                url: try await Self.makePostgresDatabase(), lease: lease, maximumConnections: 4
            ).runInBackground()
        }
    }

    public static func temporaryFile(_ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.appendingPathComponent(name).path
    }

    /// Creates a database of its own on the test server; its URL.
    public static func makePostgresDatabase() async throws -> String {
        guard let server = postgresURL, var parts = URLComponents(string: server) else {
            throw StoreError("CALLGATE_TEST_POSTGRES is not set")
        }
        let name = "callgate_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let configuration = PostgresConnection.Configuration(
            host: parts.host ?? "127.0.0.1", port: parts.port ?? 5432, username: parts.user ?? "postgres",
            password: parts.password, database: String(parts.path.dropFirst()), tls: .disable)
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: Logger(label: "callgate.test"))
        do {
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "t")
            )
            .collect()
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        parts.path = "/" + name
        if parts.query == nil { parts.query = "sslmode=disable" }
        return parts.string!
    }
}
