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
import GRDB
import Testing

/// The same behaviour from both stores: duplicates, revisions, merge, outbox, quarantine.
@Suite struct StoreTests {
    typealias Kind = StoreKind

    static func open(_ kind: Kind) async throws -> any CallStore { try await kind.open() }

    @Test func postgresIsTestedWhereRequired() {
        #expect(
            !StoreKind.postgresRequired || StoreKind.postgresURL != nil,
            "CALLGATE_REQUIRE_POSTGRES=1 but CALLGATE_TEST_POSTGRES is not set: start one with .ci/postgres")
    }

    static let everySink = SinkRoutes { _ in ["archive", "crm"] }

    static func record(
        _ events: [CallEvent], source: String, at time: Timestamp = Golden.receivedAt, body: String = "{}",
        routes: SinkRoutes = everySink
    ) -> IngestRecord {
        IngestRecord(
            source: source, receivedAt: time, contentType: "application/json", query: nil, body: Array(body.utf8),
            events: events, routes: routes)
    }

    @Test(arguments: Kind.available) func storesEventsAndOneDeliveryPerSink(_ kind: Kind) async throws {
        let store = try await Self.open(kind)
        let events = try Golden.events("miitel", "speech-recognition-ja")
        let outcome = try await store.ingest(Self.record(events, source: "miitel"))
        #expect(outcome.events.count == 1)
        #expect(!outcome.isDuplicate)
        let stored = try #require(outcome.events.first?.event)
        #expect(stored.revision == 1)
        #expect(stored.id == events[0].id)
        #expect(try await store.events(callKey: stored.call.callKey, limit: 10) == [stored])
        let deliveries = try await store.deliveries(status: .pending, sink: nil)
        #expect(deliveries.map(\.sink).sorted() == ["archive", "crm"])
        #expect(deliveries.allSatisfy { $0.eventId == stored.id })
        #expect(try await store.call(key: stored.call.callKey) == stored.call)
        try await store.close()
    }

    /// The plan names the sinks that got rows: the only workers an ingest wakes.
    @Test(arguments: Kind.available) func theOutcomeNamesTheSinksThatGotRows(_ kind: Kind) async throws {
        let store = try await Self.open(kind)
        let events = try Golden.events("miitel", "speech-recognition-ja")
        let first = try await store.ingest(Self.record(events, source: "miitel", routes: SinkRoutes { _ in ["crm"] }))
        #expect(first.sinks == ["crm"])
        #expect(first.events.map(\.duplicate) == [false])
        let again = try await store.ingest(Self.record(events, source: "miitel"))
        #expect(again.isDuplicate)
        #expect(again.sinks.isEmpty)
        // A duplicate is answered from the stored row: id, type, call key and revision.
        #expect(again.events.map(\.id) == first.events.map(\.id))
        #expect(again.events.map(\.type) == first.events.map(\.type))
        #expect(again.events.map(\.callKey) == first.events.map(\.callKey))
        #expect(again.events.map(\.revision) == [1])
        #expect(again.events.allSatisfy { $0.event == nil })
        try await store.close()
    }

    @Test(arguments: Kind.available) func anIdenticalResendIsADuplicateWithNoNewDelivery(_ kind: Kind) async throws {
        let store = try await Self.open(kind)
        let first = try Golden.events("miitel", "speech-recognition-ja")
        _ = try await store.ingest(Self.record(first, source: "miitel"))
        // The same payload received a minute later: the receipt time is not part of the id.
        let later = Timestamp(microseconds: Golden.receivedAt.microseconds + 60_000_000)
        let again = try Golden.events("miitel", "speech-recognition-ja", receivedAt: later)
        let outcome = try await store.ingest(Self.record(again, source: "miitel", at: later))
        #expect(outcome.isDuplicate)
        #expect(outcome.events.map(\.id) == first.map(\.id))
        #expect(try await store.deliveries(status: nil, sink: nil).count == 2)
        #expect(try await store.events(callKey: nil, limit: 10).count == 1)
        // Nothing of the re-send is kept, not even its raw body.
        #expect(outcome.requestId == nil)
        #expect(try await store.requests(source: nil, since: .earliest).count == 1)
        try await store.close()
    }

    /// MiiTel re-sends a call after "swap user and customer": same leg and type, new content.
    @Test(arguments: Kind.available) func aChangedResendIsTheNextRevision(_ kind: Kind) async throws {
        let store = try await Self.open(kind)
        let original = try Golden.events("miitel", "speech-recognition-ja")
        let swapped = try Golden.events("miitel", "speaker-swap")
        #expect(original[0].call.legId == swapped[0].call.legId)
        #expect(original[0].id != swapped[0].id)
        _ = try await store.ingest(Self.record(original, source: "miitel"))
        let outcome = try await store.ingest(Self.record(swapped, source: "miitel"))
        let stored = try #require(outcome.events.first)
        #expect(!stored.duplicate)
        #expect(stored.revision == 2)
        let second = try #require(stored.event)
        #expect(second.revision == 2)
        // The merged record takes the re-sent roles.
        #expect(second.call.participants == swapped[0].call.participants)
        #expect(second.call.agent == swapped[0].call.agent)
        #expect(try await store.deliveries(status: nil, sink: "crm").count == 2)
        try await store.close()
    }

    static func biztel(_ name: String, at seconds: Int64) throws -> (events: [CallEvent], time: Timestamp) {
        let time = Timestamp(seconds: 1_716_960_200 + seconds)
        return (try Golden.events("biztel", name, receivedAt: time), time)
    }

    /// 着信 → コールセンターキュー → コールセンター切断 without 応答: abandoned.
    @Test(arguments: Kind.available) func biztelHangUpAfterQueueWithoutAnswerIsAbandoned(_ kind: Kind) async throws {
        let store = try await Self.open(kind)
        var last: CallEvent?
        for (i, name) in ["abandoned-1-incoming", "abandoned-2-queue", "abandoned-3-queue-hangup"].enumerated() {
            let (events, time) = try Self.biztel(name, at: Int64(i * 10))
            let outcome = try await store.ingest(Self.record(events, source: "biztel", at: time))
            last = outcome.events.last?.event
            if i < 2 { #expect(last?.call.outcome == nil) }
        }
        let ended = try #require(last)
        #expect(ended.type == .ended)
        #expect(ended.call.status == .ended)
        #expect(ended.call.outcome == .abandoned)
        #expect(ended.call.startedAt == Timestamp(seconds: 1_716_960_200))
        #expect(ended.call.queuedAt == Timestamp(seconds: 1_716_960_210))
        #expect(ended.call.endedAt == Timestamp(seconds: 1_716_960_220))
        #expect(ended.call.durations.total == 20)
        #expect(ended.call.durations.queue == 10)
        #expect(ended.call.from?.e164 != nil)
        try await store.close()
    }

    /// Without a queue the same hang-up is no_answer; with 応答 it is answered.
    @Test(arguments: Kind.available) func biztelOutcomeFollowsWhatArrived(_ kind: Kind) async throws {
        let store = try await Self.open(kind)
        let incoming = try Self.biztel("incoming", at: 0)
        _ = try await store.ingest(Self.record(incoming.events, source: "biztel", at: incoming.time))
        let hangup = try Self.biztel("hangup", at: 30)
        let ended = try await store.ingest(Self.record(hangup.events, source: "biztel", at: hangup.time))
        let callKey = try #require(ended.events.first?.event?.call.callKey)
        #expect(ended.events.first?.event?.call.outcome == .noAnswer)
        // The answer arrives late: the derived outcome follows it, and status stays ended.
        let answer = try Self.biztel("answer", at: 10)
        let answered = try await store.ingest(Self.record(answer.events, source: "biztel", at: answer.time))
        if answered.events.first?.event?.call.callKey == callKey {
            #expect(answered.events.first?.event?.call.outcome == .answered)
            #expect(answered.events.first?.event?.call.status == .ended)
        }
        try await store.close()
    }

    @Test(arguments: Kind.available) func quarantineKeepsTheBodyUntilReplayed(_ kind: Kind) async throws {
        let store = try await Self.open(kind)
        let body = Array("{\"call\": ".utf8)
        let id = try await store.quarantine(
            QuarantineEntry(
                source: "miitel", receivedAt: Golden.receivedAt, contentType: "application/json", query: "a=1",
                body: body, status: 400, code: "malformed_body", error: "line 1, column 10: unexpected end of input"))
        let entries = try await store.quarantined(source: "miitel", includeResolved: false)
        #expect(entries.count == 1)
        #expect(entries[0].id == id)
        #expect(entries[0].body == body)
        #expect(entries[0].query == "a=1")
        #expect(try await store.quarantined(source: "udesk", includeResolved: false).isEmpty)
        try await store.resolveQuarantine(id: id, at: Golden.receivedAt)
        #expect(try await store.quarantined(source: nil, includeResolved: false).isEmpty)
        #expect(try await store.quarantined(source: nil, includeResolved: true).first?.resolvedAt == Golden.receivedAt)
        try await store.close()
    }

    @Test(arguments: Kind.available) func retentionDropsOldBodiesOnly(_ kind: Kind) async throws {
        let store = try await Self.open(kind)
        let old = Timestamp(seconds: 1_000)
        let new = Timestamp(seconds: 2_000)
        _ = try await store.ingest(Self.record([], source: "miitel", at: old, body: "old"))
        _ = try await store.ingest(Self.record([], source: "miitel", at: old, body: "old 2"))
        _ = try await store.ingest(Self.record([], source: "miitel", at: new, body: "new"))
        // Batches of at most `limit`; a batch that finds fewer means nothing older is left.
        let cutoff = Timestamp(seconds: 1_500)
        #expect(try await store.prune(.requests, before: cutoff, limit: 1) == 1)
        #expect(try await store.prune(.requests, before: cutoff, limit: 1) == 1)
        #expect(try await store.prune(.requests, before: cutoff, limit: 1) == 0)
        let requests = try await store.requests(source: nil, since: Timestamp(seconds: 0))
        #expect(requests.map(\.body) == [nil, nil, Array("new".utf8)])
        try await store.close()
    }
}

@Suite struct SQLiteStoreTests {
    /// Concurrent ingests share transactions, and every one of them is committed.
    @Test func concurrentIngestsAreGroupCommitted() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("g.sqlite").path
        let store = try SQLiteStore(path: path)
        let template = try Golden.json("miitel", "speech-recognition-ja")
        let count = 200
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<count {
                group.addTask {
                    var call = template["call"]?.objectValue ?? JSONObject()
                    call["id"] = .string("call-\(i)")
                    let events = try Golden.events(
                        Golden.jsonRequest(template.setting("call", .object(call))), source: "miitel")
                    _ = try await store.ingest(StoreTests.record(events, source: "miitel"))
                }
            }
            try await group.waitForAll()
        }
        let (transactions, jobs) = await store.commitCounts()
        #expect(jobs == count)
        #expect(transactions < count, "expected shared commits, got one per ingest")
        try await store.close()
        // Everything is there after reopening.
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.events(callKey: nil, limit: 1000).count == count)
        #expect(try await reopened.deliveries(status: .pending, sink: nil).count == 2 * count)
        try await reopened.close()
    }

    /// A commit must be on disk before the answer: WAL with synchronous = FULL (GRDB's WAL setup
    /// would leave NORMAL, which does not fsync each commit).
    @Test func everyCommitIsFsynced() async throws {
        let store = try SQLiteStore(path: TemporaryDirectory.make().appendingPathComponent("f.sqlite").path)
        #expect(try await store.writerSynchronousMode() == 2)
        try await store.close()
    }

    @Test func aClosedStoreRefusesWrites() async throws {
        let store = try SQLiteStore(path: TemporaryDirectory.make().appendingPathComponent("c.sqlite").path)
        try await store.close()
        await #expect(throws: StoreError.self) { try await store.checkWritable() }
    }

    @Test func anUnwritableLocationIsAClearError() throws {
        #expect {
            try SQLiteStore(path: "/proc/callgate/x.sqlite")
        } throws: { error in
            "\(error)".contains("cannot open the store at /proc/callgate/x.sqlite")
                || "\(error)".contains("/proc/callgate")
        }
    }
}

enum TemporaryDirectory {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite struct StoreUpgradeTests {
    /// An older callgate refuses a database a newer one has migrated, instead of running on a
    /// schema it does not know.
    @Test func aDatabaseFromANewerVersionIsRefused() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-\(UUID()).sqlite").path
        try await SQLiteStore(path: path).close()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        try queue.close()
        #expect {
            try SQLiteStore(path: path)
        } throws: { error in
            "\(error)".contains("migrated by a newer callgate")
        }
    }
}
