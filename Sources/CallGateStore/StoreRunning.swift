import CallGatePipeline
import ServiceLifecycle

/// Runs `body` while the store's own service runs (PostgreSQL's connection pool; SQLite and the
/// in-memory store have none), then stops that service: a one-shot command's store, used outside
/// the `ServiceGroup` of `callgate serve`.
public func withStoreRunning<T>(_ store: any CallStore, _ body: () async throws -> T) async throws -> T {
    guard let service = store as? any Service else { return try await body() }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await service.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}
