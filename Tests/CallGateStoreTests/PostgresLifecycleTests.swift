import CallGatePipeline
import CallGateTestSupport
import Logging
import ServiceLifecycle
import Testing

@testable import CallGateStore

/// The PostgreSQL store's connection pool is a service: `callgate serve` runs it in its
/// `ServiceGroup` (so it closes with the group's graceful shutdown, after the other services), and
/// one-shot commands run it around their work with `withStoreRunning`.
@Suite(.enabled(if: StoreKind.postgresURL != nil, "needs CALLGATE_TEST_POSTGRES (.ci/postgres starts a server)"))
struct PostgresLifecycleTests {
    static func count(_ store: PostgresStore) async throws -> Int64? {
        try await store.select(SQL("SELECT count(*) FROM callgate_migration")) { try $0.decode(Int64.self) }.first
    }

    @Test func thePoolRunsInAServiceGroupUntilItsGracefulShutdown() async throws {
        let store = try await PostgresStore(url: try await StoreKind.makePostgresDatabase())
        let group = ServiceGroup(configuration: .init(services: [store], logger: Logger(label: "lifecycle-test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(try await Self.count(store) == Int64(PostgresStore.migrations.count))
            await group.triggerGracefulShutdown()
            // The group ends: the pool's run returned on the graceful shutdown.
            try await tasks.waitForAll()
        }
        try await store.close()
    }

    @Test func aOneShotCommandRunsThePoolAroundItsWork() async throws {
        let store = try await PostgresStore(url: try await StoreKind.makePostgresDatabase())
        let count = try await withStoreRunning(store) { try await Self.count(store) }
        #expect(count == Int64(PostgresStore.migrations.count))
        try await store.close()
    }
}
