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

/// Operators' queries and retention, on both stores alike.
@Suite struct AdministrationTests {
    typealias Kind = StoreTests.Kind

    @Test(arguments: Kind.available) func deliveriesArePagedAndFilteredInTheStore(_ kind: Kind) async throws {
        let (store, event) = try await OutboxTests.stored(kind)
        let all = try await store.deliveries(DeliveryQuery())
        #expect(all.map(\.sink).sorted() == ["archive", "crm"])
        // A page of one, then the rest after its cursor.
        let first = try await store.deliveries(DeliveryQuery(limit: 1))
        let rest = try await store.deliveries(DeliveryQuery(after: try #require(first.last?.id)))
        #expect(first.count == 1 && rest.count == 1 && first[0].id < rest[0].id)
        #expect(try await store.deliveries(DeliveryQuery(sink: "crm")).map(\.sink) == ["crm"])
        #expect(try await store.deliveries(DeliveryQuery(eventId: event.id)).count == 2)
        #expect(try await store.deliveries(DeliveryQuery(eventId: "evt_other")).isEmpty)
        #expect(try await store.deliveries(DeliveryQuery(status: .dead)).isEmpty)
        let crm = try #require(all.first { $0.sink == "crm" })
        #expect(try await store.delivery(id: crm.id) == crm)
        #expect(try await store.delivery(id: 999) == nil)

        // Delivered, then sent again on request: pending and due at once.
        try await store.recordAttempt(
            DeliveryAttempt(
                deliveryId: crm.id, at: Golden.receivedAt, statusCode: 200, latencyMilliseconds: 1, error: nil,
                result: .delivered))
        let later = Golden.receivedAt.adding(.seconds(60))
        let replayed = try #require(try await store.replayDelivery(id: crm.id, now: later))
        #expect(replayed.status == .pending)
        #expect(replayed.nextAttemptAt == later)
        #expect(try await store.replayDelivery(id: 999, now: later) == nil)
        try await store.close()
    }

    @Test(arguments: Kind.available) func outboxStatsCountPendingAndDeadPerSink(_ kind: Kind) async throws {
        let (store, _) = try await OutboxTests.stored(kind)
        let rows = try await store.deliveries(DeliveryQuery())
        let crm = try #require(rows.first { $0.sink == "crm" })
        try await store.recordAttempt(
            DeliveryAttempt(
                deliveryId: crm.id, at: Golden.receivedAt, statusCode: 400, latencyMilliseconds: 1,
                error: "HTTP 400", result: .dead))
        let stats = try await store.outboxStats()
        #expect(
            stats == [
                OutboxStats(sink: "archive", pending: 1, oldestPending: Golden.receivedAt, dead: 0),
                OutboxStats(sink: "crm", pending: 0, oldestPending: nil, dead: 1),
            ])
        try await store.close()
    }

    @Test(arguments: Kind.available) func quarantineIsPagedAndShownOneByOne(_ kind: Kind) async throws {
        let store = try await StoreTests.open(kind)
        for (i, source) in ["miitel", "udesk", "miitel"].enumerated() {
            _ = try await store.quarantine(
                QuarantineEntry(
                    source: source, receivedAt: Golden.receivedAt, contentType: "application/json", query: nil,
                    body: Array("{\"n\":\(i)".utf8), status: 400, code: "malformed_body", error: "bad"))
        }
        let miitel = try await store.quarantined(QuarantineQuery(source: "miitel"))
        #expect(miitel.count == 2)
        let page = try await store.quarantined(QuarantineQuery(limit: 2))
        #expect(page.map(\.source) == ["miitel", "udesk"])
        let next = try await store.quarantined(QuarantineQuery(after: try #require(page.last?.id)))
        #expect(next.map(\.id) == [miitel[1].id])
        try await store.resolveQuarantine(id: miitel[0].id, at: Golden.receivedAt)
        #expect(try await store.quarantined(QuarantineQuery()).count == 2)
        #expect(try await store.quarantined(QuarantineQuery(includeResolved: true)).count == 3)
        let shown = try #require(try await store.quarantineEntry(id: miitel[1].id))
        #expect(shown.body == Array("{\"n\":2".utf8))
        #expect(try await store.quarantineEntry(id: 999) == nil)
        try await store.close()
    }

    /// Delivered rows and attempt records past their age go; pending and dead rows stay.
    @Test(arguments: Kind.available) func retentionPrunesDeliveredRowsAndAttempts(_ kind: Kind) async throws {
        let (store, _) = try await OutboxTests.stored(kind)
        let rows = try await store.deliveries(DeliveryQuery())
        let crm = try #require(rows.first { $0.sink == "crm" })
        let archive = try #require(rows.first { $0.sink == "archive" })
        let at = Golden.receivedAt
        try await store.recordAttempt(
            DeliveryAttempt(
                deliveryId: crm.id, at: at, statusCode: 503, latencyMilliseconds: 1, error: "HTTP 503",
                result: .retry(at: at)))
        try await store.recordAttempt(
            DeliveryAttempt(
                deliveryId: crm.id, at: at, statusCode: 200, latencyMilliseconds: 1, error: nil, result: .delivered))
        try await store.recordAttempt(
            DeliveryAttempt(
                deliveryId: archive.id, at: at, statusCode: 400, latencyMilliseconds: 1, error: "HTTP 400",
                result: .dead))

        // Not old enough yet.
        #expect(try await store.prune(.deliveries, before: at, limit: 10) == 0)
        #expect(try await store.prune(.attempts, before: at, limit: 10) == 0)
        let later = at.adding(.seconds(1))
        #expect(try await store.prune(.deliveries, before: later, limit: 10) == 1)
        #expect(try await store.delivery(id: crm.id) == nil)
        #expect(try await store.attempts(delivery: crm.id).isEmpty)
        // The dead row stays (until replayed); its attempt record goes with attempt retention.
        #expect(try await store.delivery(id: archive.id)?.status == .dead)
        #expect(try await store.attempts(delivery: archive.id).count == 1)
        #expect(try await store.prune(.attempts, before: later, limit: 10) == 1)
        #expect(try await store.attempts(delivery: archive.id).isEmpty)
        #expect(try await store.delivery(id: archive.id)?.lastError == "HTTP 400")
        // Events stay.
        #expect(try await store.events(callKey: nil, limit: 10).count == 1)
        try await store.close()
    }
}
