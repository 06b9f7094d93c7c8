import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import CallGateTestSupport
import Foundation
import Testing

/// What outbound transforms need from every store (Docs/targets.md): rows of one call handed out in
/// order (`order: per_call`), the destination's id per (sink, call) written with the attempt, and
/// a create put off without counting an attempt.
@Suite struct DestinationTests {
    typealias Kind = StoreTests.Kind
    static let t0 = Golden.receivedAt

    /// Three events of one call (`evt-a0`…) then two of another (`evt-b0`, `evt-b1`), all for `crm`.
    static func stored(_ store: any CallStore) async throws {
        let a = try SharedStoreTests.events(3, tag: "a")
        var b = try SharedStoreTests.events(2, tag: "b")
        for i in b.indices { b[i].call.callKey = "call_b" }
        try await SharedStoreTests.ingest(a + b, into: store)
    }

    static func attempt(_ row: DueDelivery, _ result: DeliveryAttempt.Result, destination: Destination? = nil)
        -> DeliveryAttempt
    {
        DeliveryAttempt(
            deliveryId: row.id, at: t0, statusCode: 200, latencyMilliseconds: 1, error: nil, result: result,
            destination: destination)
    }

    @Test(arguments: Kind.available) func perCallOrderHandsOutTheEarliestRowOfEachCall(_ kind: Kind) async throws {
        let store = try await StoreTests.open(kind)
        try await Self.stored(store)
        if kind != .postgres {
            // Arrival order: everything due (PostgreSQL would lease them all; checked below there).
            #expect(try await store.dueDeliveries(sink: "crm", now: Self.t0, limit: 10, excluding: []).count == 5)
        }
        let due = try await store.dueDeliveries(sink: "crm", now: Self.t0, limit: 10, excluding: [], perCall: true)
        #expect(due.map(\.eventId) == ["evt-a0", "evt-b0"])
        #expect(Set(due.map(\.callKey)).count == 2)
        // Rows in flight still hold their call back.
        #expect(
            try await store.dueDeliveries(
                sink: "crm", now: Self.t0, limit: 10, excluding: Set(due.map(\.id)), perCall: true
            ).isEmpty)
        // Both first rows fail and wait a minute: the rows behind them are not due, and the next
        // due time is theirs (no busy polling on rows that cannot go).
        let later = Self.t0.adding(.seconds(60))
        for row in due { try await store.recordAttempt(Self.attempt(row, .retry(at: later))) }
        #expect(
            try await store.dueDeliveries(sink: "crm", now: Self.t0, limit: 10, excluding: [], perCall: true).isEmpty)
        #expect(try await store.nextDue(sink: "crm", perCall: true) == later)
        // The first of call A delivered: the second is due, while call B's first still waits.
        try await store.recordAttempt(Self.attempt(due[0], .delivered))
        let next = try await store.dueDeliveries(sink: "crm", now: Self.t0, limit: 10, excluding: [], perCall: true)
        #expect(next.map(\.eventId) == ["evt-a1"])
        try await store.close()
    }

    @Test(arguments: Kind.available) func theDestinationIdIsKeptPerSinkAndCall(_ kind: Kind) async throws {
        let store = try await StoreTests.open(kind)
        try await Self.stored(store)
        let first = try await store.dueDeliveries(sink: "crm", now: Self.t0, limit: 10, excluding: [], perCall: true)
        let a0 = try #require(first.first { $0.eventId == "evt-a0" })
        #expect(a0.destination == nil)
        let created = Destination(
            sink: "crm", callKey: a0.callKey, id: "hs-123", createdBy: a0.id, uploadURL: "http://127.0.0.1:1/up",
            createdAt: Self.t0)
        // Created: the row stays pending for its upload step, its call's record is written.
        try await store.recordAttempt(Self.attempt(a0, .retry(at: Self.t0), destination: created))
        let again = try await store.dueDeliveries(sink: "crm", now: Self.t0, limit: 10, excluding: [], perCall: true)
        let row = try #require(again.first { $0.id == a0.id })
        #expect(row.destination == created)
        #expect(row.destination?.awaitsUpload == true)
        // Uploaded: the flag is set; a later write cannot change the id.
        var uploaded = created
        uploaded.uploaded = true
        uploaded.id = "another"
        try await store.recordAttempt(Self.attempt(row, .delivered, destination: uploaded))
        let a1 = try #require(
            try await store.dueDeliveries(sink: "crm", now: Self.t0, limit: 10, excluding: [], perCall: true)
                .first { $0.eventId == "evt-a1" })
        #expect(a1.destination?.id == "hs-123")
        #expect(a1.destination?.uploaded == true)
        #expect(a1.destination?.awaitsUpload == false)
        // Call B has none: records are per call.
        #expect(first.first { $0.eventId == "evt-b0" }?.destination == nil)
        try await store.close()
    }

    @Test(arguments: Kind.available) func aDeferredRowKeepsItsAttemptsAndSaysWhy(_ kind: Kind) async throws {
        let store = try await StoreTests.open(kind)
        try await Self.stored(store)
        let row = try #require(try await store.dueDeliveries(sink: "crm", now: Self.t0, limit: 1, excluding: []).first)
        let until = Self.t0.adding(.seconds(15))
        try await store.recordAttempt(
            DeliveryAttempt(
                deliveryId: row.id, at: Self.t0, statusCode: nil, latencyMilliseconds: 0,
                error: "waiting for the call's recording", result: .deferred(until: until)))
        let stored = try #require(try await store.deliveries(status: .pending, sink: "crm").first { $0.id == row.id })
        #expect(stored.attempts == 0)
        #expect(stored.nextAttemptAt == until)
        #expect(stored.lastError == "waiting for the call's recording")
        #expect(try await store.attempts(delivery: row.id).isEmpty)
        try await store.close()
    }

    /// Across instances: a row leased by one instance holds back the later rows of its call for
    /// every other instance.
    @Test(.enabled(if: StoreKind.postgresURL != nil)) func perCallOrderHoldsAcrossInstances() async throws {
        let (a, b) = try await SharedStoreTests.twoInstances()
        try await Self.stored(a)
        let claimed = try await a.dueDeliveries(sink: "crm", now: Self.t0, limit: 1, excluding: [], perCall: true)
        #expect(claimed.map(\.eventId) == ["evt-a0"])
        // b gets call B's first row, never call A's second while a holds the first.
        let other = try await b.dueDeliveries(sink: "crm", now: Self.t0, limit: 10, excluding: [], perCall: true)
        #expect(other.map(\.eventId) == ["evt-b0"])
        #expect(try await b.dueDeliveries(sink: "crm", now: Self.t0, limit: 10, excluding: [], perCall: true).isEmpty)
        try await a.recordAttempt(Self.attempt(claimed[0], .delivered))
        let next = try await b.dueDeliveries(sink: "crm", now: Self.t0, limit: 10, excluding: [], perCall: true)
        #expect(next.map(\.eventId) == ["evt-a1"])
        try await a.close()
        try await b.close()
    }
}
