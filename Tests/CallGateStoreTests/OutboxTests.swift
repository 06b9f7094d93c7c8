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

/// The delivery side of both stores: due rows, attempts, dead rows replayed, sinks disabled.
@Suite struct OutboxTests {
    typealias Kind = StoreTests.Kind

    /// One MiiTel event routed to `archive` and `crm`, stored at 2026-01-01T00:00:00Z.
    static func stored(_ kind: Kind) async throws -> (store: any CallStore, event: CallEvent) {
        let store = try await StoreTests.open(kind)
        let events = try Golden.events("miitel", "speech-recognition-ja")
        let outcome = try await store.ingest(StoreTests.record(events, source: "miitel"))
        return (store, try #require(outcome.events.first?.event))
    }

    @Test(arguments: Kind.available) func dueRowsCarryTheStoredEvent(_ kind: Kind) async throws {
        let (store, event) = try await Self.stored(kind)
        let due = try await store.dueDeliveries(sink: "crm", now: Golden.receivedAt, limit: 10, excluding: [])
        try #require(due.count == 1)
        #expect(due[0].eventId == event.id)
        #expect(due[0].attempts == 0)
        var copy = event
        #expect(due[0].event == copy.jsonBytes())
        // Not yet due, in flight, or another sink's: not returned.
        #expect(
            try await store.dueDeliveries(
                sink: "crm", now: Golden.receivedAt.adding(.seconds(-1)), limit: 10, excluding: []
            )
            .isEmpty)
        #expect(
            try await store.dueDeliveries(sink: "crm", now: Golden.receivedAt, limit: 10, excluding: [due[0].id])
                .isEmpty)
        #expect(try await store.dueDeliveries(sink: "other", now: Golden.receivedAt, limit: 10, excluding: []).isEmpty)
        // The shared store leased the row when it handed it out: due again (to anyone) when the
        // lease runs out, unless an attempt is recorded first.
        let leasedUntil = (store as? PostgresStore).map { Golden.receivedAt.adding($0.lease) }
        #expect(try await store.nextDue(sink: "crm") == leasedUntil ?? Golden.receivedAt)
        try await store.close()
    }

    @Test(arguments: Kind.available) func attemptsMoveRowsThroughTheirStates(_ kind: Kind) async throws {
        let (store, _) = try await Self.stored(kind)
        let row = try #require(try await store.dueDeliveries(sink: "crm", now: .now, limit: 1, excluding: []).first)
        let later = Golden.receivedAt.adding(.seconds(5))
        try await store.recordAttempt(
            DeliveryAttempt(
                deliveryId: row.id, at: Golden.receivedAt, statusCode: 503, latencyMilliseconds: 12.5,
                error: "HTTP 503", result: .retry(at: later)))
        var crm = try #require(try await store.deliveries(status: nil, sink: "crm").first)
        #expect(crm.status == .pending)
        #expect(crm.attempts == 1)
        #expect(crm.nextAttemptAt == later)
        #expect(crm.lastError == "HTTP 503")
        #expect(try await store.dueDeliveries(sink: "crm", now: Golden.receivedAt, limit: 1, excluding: []).isEmpty)

        try await store.recordAttempt(
            DeliveryAttempt(
                deliveryId: row.id, at: later, statusCode: 400, latencyMilliseconds: 3, error: "HTTP 400", result: .dead
            ))
        crm = try #require(try await store.deliveries(status: .dead, sink: "crm").first)
        #expect(crm.attempts == 2)
        let attempts = try await store.attempts(delivery: row.id)
        #expect(attempts.map(\.statusCode) == [503, 400])
        #expect(attempts.first?.result == .retry(at: later))
        #expect(attempts.last?.result == .dead)
        #expect(attempts.first?.latencyMilliseconds == 12.5)

        // Replayed: pending and due again; the other sink's row is untouched.
        #expect(try await store.replayDead(sink: "crm", since: nil, now: later) == 1)
        #expect(try await store.replayDead(sink: "crm", since: nil, now: later) == 0)
        let again = try #require(try await store.dueDeliveries(sink: "crm", now: later, limit: 1, excluding: []).first)
        #expect(again.id == row.id)
        #expect(again.attempts == 2)
        try await store.recordAttempt(
            DeliveryAttempt(
                deliveryId: row.id, at: later, statusCode: 200, latencyMilliseconds: 1, error: nil, result: .delivered))
        #expect(try await store.deliveries(status: .delivered, sink: nil).map(\.sink) == ["crm"])
        #expect(try await store.deliveries(status: .pending, sink: nil).map(\.sink) == ["archive"])
        try await store.close()
    }

    @Test(arguments: Kind.available) func replayBySinceAndSinkState(_ kind: Kind) async throws {
        let (store, _) = try await Self.stored(kind)
        for sink in ["crm", "archive"] {
            let row = try #require(try await store.dueDeliveries(sink: sink, now: .now, limit: 1, excluding: []).first)
            try await store.recordAttempt(
                DeliveryAttempt(
                    deliveryId: row.id, at: Golden.receivedAt, statusCode: 410, latencyMilliseconds: 1,
                    error: "HTTP 410", result: .dead, disablesSink: sink == "crm"))
        }
        #expect(try await store.disabledSinks().map(\.sink) == ["crm"])
        #expect(try await store.disabledSinks().first?.reason == "HTTP 410")
        // Rows created before `since` are not replayed.
        #expect(try await store.replayDead(sink: nil, since: Golden.receivedAt.adding(.seconds(1)), now: .now) == 0)
        #expect(try await store.replayDead(sink: nil, since: Golden.receivedAt, now: .now) == 2)
        try await store.setSink("crm", disabled: false, reason: nil, at: .now)
        #expect(try await store.disabledSinks().isEmpty)
        try await store.setSink("archive", disabled: true, reason: "maintenance", at: .now)
        #expect(try await store.disabledSinks().map(\.reason) == ["maintenance"])
        try await store.close()
    }
}
