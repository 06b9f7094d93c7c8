import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Foundation
import Testing

@testable import CallGateStore

/// What several instances on one PostgreSQL database rely on: each due row claimed by one
/// instance at a time, leases taken over when they run out, ingests of one call serialized,
/// migrations run once however many instances start, and `migrate-store` copying an SQLite store.
@Suite(.enabled(if: StoreKind.postgresURL != nil, "needs CALLGATE_TEST_POSTGRES (.ci/postgres starts a server)"))
struct SharedStoreTests {
    /// `count` distinct events of one MiiTel call, each routed to `crm`.
    static func events(_ count: Int, tag: String = "") throws -> [CallEvent] {
        let base = try Golden.events("miitel", "speech-recognition-ja")[0]
        return (0..<count).map { i in
            var event = base
            event.id = "evt-\(tag)\(i)"
            event.call.summary = "revision \(tag)\(i)"
            return event
        }
    }

    static func ingest(_ events: [CallEvent], into store: any CallStore, at time: Timestamp = Golden.receivedAt)
        async throws
    {
        for event in events {
            _ = try await store.ingest(
                IngestRecord(
                    source: "miitel", receivedAt: time, contentType: "application/json", query: nil,
                    body: Array("{}".utf8), events: [event], routes: SinkRoutes { _ in ["crm"] }))
        }
    }

    static func twoInstances(lease: Duration = .seconds(60)) async throws -> (PostgresStore, PostgresStore) {
        let url = try await StoreKind.makePostgresDatabase()
        return (
            try await PostgresStore(url: url, lease: lease, instance: "a").runInBackground(),
            try await PostgresStore(url: url, lease: lease, instance: "b").runInBackground()
        )
    }

    @Test func twoInstancesClaimEachRowOnce() async throws {
        let (a, b) = try await Self.twoInstances()
        try await Self.ingest(try Self.events(60), into: a)
        // Both claim concurrently, a few rows at a time, until nothing is left.
        let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for store in [a, b] {
                group.addTask {
                    var mine: [Int64] = []
                    while true {
                        let due = try await store.dueDeliveries(
                            sink: "crm", now: Golden.receivedAt, limit: 3, excluding: [])
                        if due.isEmpty { return mine }
                        mine += due.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let all = claims.flatMap { $0 }
        #expect(all.count == 60)
        #expect(Set(all).count == 60, "a row was claimed by both instances")
        #expect(claims.allSatisfy { !$0.isEmpty }, "both instances took a share: \(claims.map(\.count))")
        try await a.close()
        try await b.close()
    }

    @Test func aLeaseThatRunsOutIsTakenOver() async throws {
        let (a, b) = try await Self.twoInstances(lease: .seconds(30))
        try await Self.ingest(try Self.events(1), into: a)
        let t0 = Golden.receivedAt
        let row = try #require(try await a.dueDeliveries(sink: "crm", now: t0, limit: 5, excluding: []).first)
        // `a` holds it: `b` sees nothing due until the lease runs out.
        #expect(try await b.dueDeliveries(sink: "crm", now: t0.adding(.seconds(29)), limit: 5, excluding: []).isEmpty)
        #expect(try await b.nextDue(sink: "crm") == t0.adding(.seconds(30)))
        // `a` died: after the lease `b` takes the row over and delivers it.
        let takenOver = try await b.dueDeliveries(sink: "crm", now: t0.adding(.seconds(30)), limit: 5, excluding: [])
        #expect(takenOver.map(\.id) == [row.id])
        try await b.recordAttempt(
            DeliveryAttempt(
                deliveryId: row.id, at: t0.adding(.seconds(31)), statusCode: 200, latencyMilliseconds: 4, error: nil,
                result: .delivered))
        // `a` was only slow: its late failure is kept as an attempt but does not undo the delivery.
        try await a.recordAttempt(
            DeliveryAttempt(
                deliveryId: row.id, at: t0.adding(.seconds(32)), statusCode: 503, latencyMilliseconds: 30_000,
                error: "HTTP 503", result: .retry(at: t0.adding(.seconds(60)))))
        let delivery = try #require(try await a.delivery(id: row.id))
        #expect(delivery.status == .delivered)
        #expect(try await a.attempts(delivery: row.id).map(\.statusCode) == [200, 503])
        #expect(try await a.dueDeliveries(sink: "crm", now: t0.adding(.seconds(120)), limit: 5, excluding: []).isEmpty)
        try await a.close()
        try await b.close()
    }

    @Test func ingestsOfOneCallFromTwoInstancesGetDistinctRevisions() async throws {
        let (a, b) = try await Self.twoInstances()
        async let first: Void = Self.ingest(try Self.events(25, tag: "a"), into: a)
        async let second: Void = Self.ingest(try Self.events(25, tag: "b"), into: b)
        _ = try await (first, second)
        let events = try await a.events(callKey: nil, limit: 100)
        #expect(events.count == 50)
        #expect(Set(events.map(\.revision)) == Set(1...50))
        // Newest first, and the merged record carries the last one written.
        #expect(events.map(\.revision) == Array((1...50).reversed()))
        let call = try #require(try await a.call(key: events[0].call.callKey))
        #expect(call.summary == events[0].call.summary)
        try await a.close()
        try await b.close()
    }

    @Test func instancesStartingTogetherMigrateOnce() async throws {
        let url = try await StoreKind.makePostgresDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for i in 0..<4 { group.addTask { try await PostgresStore(url: url, instance: "i\(i)").runInBackground() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 4)
        let applied = try await stores[0].select(SQL("SELECT name FROM callgate_migration")) {
            try $0.decode(String.self)
        }
        #expect(applied == PostgresStore.migrations.map(\.name))
        for store in stores { try await store.close() }
    }

    @Test func aDatabaseFromANewerVersionIsRefused() async throws {
        let url = try await StoreKind.makePostgresDatabase()
        let store = try await PostgresStore(url: url).runInBackground()
        _ = try await store.select(SQL("INSERT INTO callgate_migration (name) VALUES ('v99-future') RETURNING 1")) {
            try $0.decode(Int32.self)
        }
        try await store.close()
        let error = await #expect(throws: StoreError.self) { try await PostgresStore(url: url) }
        #expect(error?.message.contains("migrated by a newer callgate") == true)
    }

    /// `callgate migrate-store`: a live SQLite installation copied with its ids, then brought up to
    /// date by a second run after more traffic; a target with data is refused without `resume`.
    @Test func anSQLiteStoreIsCopiedAndBroughtUpToDate() async throws {
        let sqlite = try SQLiteStore(path: StoreKind.temporaryFile("old.sqlite"))
        try await Self.ingest(try Self.events(5), into: sqlite)
        let first = try #require(try await sqlite.dueDeliveries(sink: "crm", now: .now, limit: 1, excluding: []).first)
        try await sqlite.recordAttempt(
            DeliveryAttempt(
                deliveryId: first.id, at: Golden.receivedAt, statusCode: 400, latencyMilliseconds: 2,
                error: "HTTP 400", result: .dead))
        let quarantined = try await sqlite.quarantine(
            QuarantineEntry(
                source: "miitel", receivedAt: Golden.receivedAt, contentType: "application/json", query: nil,
                body: Array("{".utf8), status: 400, code: "malformed_body", error: "unexpected end of input"))
        try await sqlite.setSink("crm", disabled: true, reason: "HTTP 410", at: Golden.receivedAt)

        let postgres = try await PostgresStore(url: try await StoreKind.makePostgresDatabase()).runInBackground()
        let report = try await StoreCopy.copy(from: sqlite, to: postgres, resume: false)
        #expect(report.map(\.table) == StoreCopy.tables.map(\.name))
        #expect(report.first { $0.table == "delivery" }?.rows == 5)
        try await Self.expectSameContents(sqlite, postgres)
        #expect(try await postgres.quarantineEntry(id: quarantined)?.code == "malformed_body")
        #expect(try await postgres.attempts(delivery: first.id).map(\.statusCode) == [400])

        // More traffic on the old gateway, then the second run.
        await #expect(throws: StoreError.self) { try await StoreCopy.copy(from: sqlite, to: postgres, resume: false) }
        try await Self.ingest(try Self.events(3, tag: "late"), into: sqlite)
        _ = try await sqlite.replayDead(sink: nil, since: nil, now: Golden.receivedAt)
        try await sqlite.resolveQuarantine(id: quarantined, at: Golden.receivedAt)
        _ = try await StoreCopy.copy(from: sqlite, to: postgres, resume: true)
        try await Self.expectSameContents(sqlite, postgres)
        #expect(try await postgres.quarantined(source: nil, includeResolved: false).isEmpty)

        // New rows on PostgreSQL get ids after the copied ones.
        try await Self.ingest(try Self.events(1, tag: "new"), into: postgres)
        let ids = try await postgres.deliveries(DeliveryQuery()).map(\.id)
        #expect(ids == Array(1...9))
        try await sqlite.close()
        try await postgres.close()
    }

    static func expectSameContents(_ a: any CallStore, _ b: any CallStore) async throws {
        #expect(try await a.deliveries(DeliveryQuery()) == b.deliveries(DeliveryQuery()))
        let (eventsA, eventsB) = (
            try await a.events(callKey: nil, limit: 100), try await b.events(callKey: nil, limit: 100)
        )
        #expect(eventsA.map(\.id) == eventsB.map(\.id))
        let key = try #require(eventsA.first?.call.callKey)
        // The merged record as read back: the latest event of each store carries it.
        let (latestA, latestB) = (try #require(eventsA.first), try #require(eventsB.first))
        #expect(latestA.jsonBytes() == latestB.jsonBytes())
        #expect(try await a.call(key: key) == b.call(key: key))
        #expect(
            try await a.quarantined(QuarantineQuery(includeResolved: true))
                == b.quarantined(QuarantineQuery(includeResolved: true)))
        #expect(try await a.disabledSinks() == b.disabledSinks())
        #expect(
            try await a.requests(source: nil, since: Timestamp(seconds: 0)).map(\.id)
                == b.requests(source: nil, since: Timestamp(seconds: 0)).map(\.id))
    }

    @Test func aBadURLOrServerIsAClearErrorWithoutThePassword() async throws {
        let error = await #expect(throws: StoreError.self) {
            try await PostgresStore(url: "postgres://callgate:hunter2@127.0.0.1:1/callgate?sslmode=disable")
        }
        let message = error?.message ?? ""
        #expect(message.contains("127.0.0.1:1"))
        #expect(!message.contains("hunter2"))
        await #expect(throws: StoreError.self) { try await PostgresStore(url: "mysql://localhost/x") }
    }
}
