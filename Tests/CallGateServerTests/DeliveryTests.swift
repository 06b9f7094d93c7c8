import AsyncHTTPClient
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGateStore
import CallGateTestSupport
import Foundation
import Logging
import NIOCore
import Testing

@testable import CallGateAuth
@testable import CallGateConfig
@testable import CallGatePipeline
@testable import CallGateReceive
@testable import CallGateServer

@Suite(.serialized) struct DeliveryTests {
    static let interop = PythonOracle.shouldRun("standardwebhooks", "cloudevents")

    @Test(.enabled(if: interop)) func deliveriesVerifyWithStandardWebhooksAndParseAsCloudEvents() async throws {
        // The receiver knows only the second of the two secrets (a rotation in progress) and a wrong one.
        let signed = try Receiver([
            "secrets": ["whsec_c2Vjb25kLXNlY3JldC1mb3ItdGVzdHM=", "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA=="]
        ])
        let cloud = try Receiver()
        defer {
            signed.stop()
            cloud.stop()
        }
        let harness = try await DeliveryHarness.make(
            sinks: """
                  - id: crm
                    type: http
                    url: \(signed.hook)
                    auth: { standard_webhooks: { secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, whsec_c2Vjb25kLXNlY3JldC1mb3ItdGVzdHM=] } }
                  - id: bus
                    type: http
                    url: \(cloud.hook)
                    format: cloudevents
                    exclude: [call.transcript, call.from.raw]
                """)
        var ids: [String] = []
        for i in 0..<3 { ids.append(try await harness.ingest(call: "interop-\(i)")) }
        let delivered = try await harness.deliver {
            try await harness.eventually { await harness.rows(.delivered).count == 6 }
        }
        #expect(delivered)

        let crm = try await signed.received().deliveries
        #expect(crm.count == 3)
        for delivery in crm {
            // Verified with the second configured secret; the wrong one fails, so verification can fail.
            let verdicts = delivery["standard_webhooks"]?.arrayValue ?? []
            #expect(verdicts.count == 2)
            #expect(verdicts.first == .bool(true), "\(verdicts)")
            #expect(verdicts.last != .bool(true))
            let body = try JSONParser.parse(Array((delivery["body"]?.stringValue ?? "").utf8))
            #expect(delivery["headers"]?["webhook-id"] == body["id"])
            #expect(delivery["headers"]?["content-type"] == "application/json")
        }
        #expect(Set(crm.compactMap { $0["headers"]?["webhook-id"]?.stringValue }) == Set(ids))

        let bus = try await cloud.received().deliveries
        #expect(bus.count == 3)
        for delivery in bus {
            let event = try #require(delivery["cloudevent"])
            #expect(event["error"] == nil, "\(event)")
            let attributes = try #require(event["attributes"])
            #expect(ids.contains(attributes["id"]?.stringValue ?? ""))
            #expect(attributes["source"] == "/callgate/sources/miitel")
            #expect(attributes["type"] == "call.completed")
            #expect(attributes["subject"] == event["data"]?["call"]?["call_key"])
            #expect(attributes["dataschema"] == .string(DeliveryRequest.dataSchema))
            #expect(event["data"]?["call"]?["transcript"] == nil)
            #expect(event["data"]?["call"]?["from"]?["raw"] == nil)
            #expect(event["data"]?["call"]?["from"]?["e164"] != nil)
        }
    }

    @Test(arguments: StoreKind.available) func retryAfterIsHonouredAndTheWebhookIdStaysTheSame(_ kind: StoreKind)
        async throws
    {
        let receiver = try Receiver(["responses": [["status": 503, "headers": ["Retry-After": "2"]]]])
        defer { receiver.stop() }
        let harness = try await DeliveryHarness.make(
            store: kind,
            sinks: """
                  - id: crm
                    type: http
                    url: \(receiver.hook)
                    retry: { schedule: [1s] }
                    auth: { standard_webhooks: { secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw } }
                """)
        let id = try await harness.ingest(call: "retry-after")
        let delivered = try await harness.deliver {
            try await harness.eventually { await harness.rows(.delivered).count == 1 }
        }
        #expect(delivered)
        let received = try await receiver.received().deliveries
        try #require(received.count == 2)
        #expect(received.map { $0["status"] } == [503, 200])
        #expect(received.map { $0["headers"]?["webhook-id"]?.stringValue } == [id, id])
        let gap = (received[1]["time"]?.numberValue ?? 0) - (received[0]["time"]?.numberValue ?? 0)
        #expect(gap >= 1.95, "retried after \(gap) s")
        let row = try #require(await harness.rows().first)
        #expect(row.attempts == 2)
        let attempts = try await harness.store.attempts(delivery: row.id)
        #expect(attempts.map(\.statusCode) == [503, 200])
        #expect(attempts.first?.error == "HTTP 503")
    }

    @Test(arguments: StoreKind.available) func aReceiverThatIsDownGetsEverythingOnceItIsBack(_ kind: StoreKind)
        async throws
    {
        // A port that was just free: connection refused until the receiver starts on it.
        let probe = try Receiver()
        let port = probe.port
        probe.stop()
        let harness = try await DeliveryHarness.make(
            store: kind,
            sinks: """
                  - id: crm
                    type: http
                    url: http://127.0.0.1:\(port)/hook
                    retry: { schedule: [500ms, 500ms, 500ms, 500ms, 500ms, 500ms, 500ms, 500ms, 500ms, 500ms] }
                """)
        for i in 0..<3 { try await harness.ingest(call: "down-\(i)") }
        let receiver = try await harness.deliver { () async throws -> Receiver in
            _ = try await harness.eventually { await harness.rows().allSatisfy { $0.attempts >= 2 } }
            let receiver = try Receiver(["port": .int(Int64(port))])
            _ = try await harness.eventually { await harness.rows(.delivered).count == 3 }
            return receiver
        }
        defer { receiver.stop() }
        #expect(await harness.rows(.delivered).count == 3)
        #expect(try await receiver.received().deliveries.count == 3)
        let first = try #require(await harness.rows().first)
        let attempts = try await harness.store.attempts(delivery: first.id)
        #expect(attempts.first?.error == "connection refused")
        #expect(attempts.first?.statusCode == nil)
    }

    @Test(arguments: StoreKind.available) func aClientErrorIsDeadAtOnceAndReplayable(_ kind: StoreKind) async throws {
        let receiver = try Receiver(["responses": [["status": 400]]])
        defer { receiver.stop() }
        let harness = try await DeliveryHarness.make(
            store: kind,
            sinks: "  - { id: crm, type: http, url: \"\(receiver.hook)\" }")
        try await harness.ingest(call: "bad-request")
        let (dead, replayed) = try await harness.deliver { () async throws -> (Bool, Int) in
            let dead = try await harness.eventually { await harness.rows(.dead).count == 1 }
            try await Task.sleep(for: .milliseconds(500))
            let replayed = try await harness.store.replayDead(sink: "crm", since: nil, now: .now)
            await harness.gateway.service.wakeups.signalAll()
            _ = try await harness.eventually { await harness.rows(.delivered).count == 1 }
            return (dead, replayed)
        }
        #expect(dead)
        #expect(replayed == 1)
        #expect(try await receiver.received().deliveries.map { $0["status"] } == [400, 200])
        let row = try #require(await harness.rows().first)
        #expect(row.status == .delivered)
        #expect(row.attempts == 2)
    }

    @Test(arguments: StoreKind.available) func goneDisablesTheSinkUntilItIsEnabled(_ kind: StoreKind) async throws {
        let receiver = try Receiver(["responses": [["status": 410]]])
        defer { receiver.stop() }
        let harness = try await DeliveryHarness.make(
            store: kind,
            sinks: "  - { id: crm, type: http, url: \"\(receiver.hook)\" }")
        try await harness.ingest(call: "gone-1")
        let counts = try await harness.deliver { () async throws -> (Int, Int) in
            _ = try await harness.eventually { await harness.rows(.dead).count == 1 }
            try await harness.ingest(call: "gone-2")
            try await Task.sleep(for: .seconds(2))
            let whileDisabled = try await receiver.received().deliveries.count
            try await harness.store.setSink("crm", disabled: false, reason: nil, at: .now)
            _ = try await harness.eventually { await harness.rows(.delivered).count == 1 }
            return (whileDisabled, try await receiver.received().deliveries.count)
        }
        #expect(counts == (1, 2))
        #expect(await harness.rows(.dead).count == 1)
        #expect(try await harness.store.disabledSinks().isEmpty)
    }

    @Test func oauth2TokensAreCachedAndFetchedAgainAfterA401() async throws {
        let receiver = try Receiver(["oauth": ["client_id": "callgate", "client_secret": "s3cret"]])
        defer { receiver.stop() }
        let harness = try await DeliveryHarness.make(
            sinks: """
                  - id: crm
                    type: http
                    url: \(receiver.hook)
                    auth: { oauth2: { token_url: "http://127.0.0.1:\(receiver.port)/token", client_id: callgate, client_secret: s3cret } }
                """)
        try await harness.ingest(call: "oauth-1")
        try await harness.ingest(call: "oauth-2")
        let tokens = try await harness.deliver { () async throws -> (Int, Int) in
            _ = try await harness.eventually { await harness.rows(.delivered).count == 2 }
            let before = try await receiver.received().tokens
            try await receiver.revokeToken()
            try await harness.ingest(call: "oauth-3")
            _ = try await harness.eventually { await harness.rows(.delivered).count == 3 }
            return (before, try await receiver.received().tokens)
        }
        #expect(tokens == (1, 2))
        let statuses = try await receiver.received().deliveries.map { $0["status"] }
        #expect(statuses == [200, 200, 401, 200])
        // The 401 was answered within the same attempt: one attempt per row.
        #expect(await harness.rows().map(\.attempts) == [1, 1, 1])
    }

    @Test(arguments: StoreKind.available) func aFileSinkAppendsOneLinePerEvent(_ kind: StoreKind) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-\(UUID().uuidString).jsonl")
        let harness = try await DeliveryHarness.make(
            store: kind, sinks: "  - { id: archive, type: file, path: \"\(path.path)\" }")
        var ids: [String] = []
        for i in 0..<3 { ids.append(try await harness.ingest(call: "file-\(i)")) }
        let delivered = try await harness.deliver {
            try await harness.eventually { await harness.rows(.delivered).count == 3 }
        }
        #expect(delivered)
        let lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let stored = try await harness.store.events(callKey: nil, limit: 10)
        for line in lines {
            let event = try CallEvent(json: try JSONParser.parse(Array(line.utf8)))
            #expect(ids.contains(event.id))
            #expect(stored.contains { $0.id == event.id && $0.json == event.json })
        }
    }

    @Test(arguments: StoreKind.available) func aSlowSinkTimesOutAndNeverDelaysTheOthers(_ kind: StoreKind) async throws
    {
        let slow = try Receiver(["delay_seconds": 5])
        let fast = try Receiver()
        defer {
            slow.stop()
            fast.stop()
        }
        let harness = try await DeliveryHarness.make(
            store: kind,
            sinks: """
                  - { id: slow, type: http, url: "\(slow.hook)", timeout: 500ms, concurrency: 1, retry: { schedule: [10s] } }
                  - { id: fast, type: http, url: "\(fast.hook)" }
                """)
        for i in 0..<5 { try await harness.ingest(call: "isolation-\(i)") }
        let (fastDone, slowAttempted) = try await harness.deliver { () async throws -> (Bool, Int) in
            let done = try await harness.eventually(10) { await harness.rows(.delivered, sink: "fast").count == 5 }
            // The slow sink has had time for at most a few of its one-at-a-time attempts.
            let attempted = await harness.rows(sink: "slow").filter { $0.attempts > 0 }.count
            _ = try await harness.eventually(5) { await harness.rows(sink: "slow").contains { $0.attempts > 0 } }
            return (done, attempted)
        }
        #expect(fastDone)
        #expect(slowAttempted <= 3)
        let attempted = try #require(await harness.rows(sink: "slow").first { $0.attempts > 0 })
        #expect(attempted.status == .pending)
        #expect(attempted.lastError?.contains("timed out") == true, "\(attempted.lastError ?? "")")
    }

    /// A configuration for the real binary: one open MiiTel source, an SQLite store and one HTTP
    /// sink at `url`.
    static func binaryConfig(url: String, retry: String = "[1s]") throws -> URL {
        try DeliveryHarness.writeConfig(
            sinks: """
                  - id: crm
                    type: http
                    url: \(url)
                    retry: { schedule: \(retry) }
                    auth: { standard_webhooks: { secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw } }
                """)
    }

    /// Posts the MiiTel sample with call id `call` to the running binary; returns the event id.
    static func post(_ call: Int, to server: GatewayProcess) async throws -> String {
        let template = try Golden.json("miitel", "speech-recognition-ja")
        let answer = await CrashTests.post(CrashTests.payload(template, call), port: server.port)
        return try #require(answer?.body["id"]?.stringValue)
    }

    /// What the receiver has, once it has at least `count` deliveries (or after 20 s).
    static func wait(for count: Int, at receiver: Receiver) async throws -> [JSONValue] {
        let deadline = ContinuousClock.now + .seconds(20)
        var received = try await receiver.received().deliveries
        while received.count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            received = try await receiver.received().deliveries
        }
        return received
    }

    /// The real binary and a receiver that answers 503 with `Retry-After: 2` first: delivered once
    /// more after at least two seconds, with the same `webhook-id`.
    @Test func theRealBinaryHonoursRetryAfter() async throws {
        let receiver = try Receiver(["responses": [["status": 503, "headers": ["Retry-After": "2"]]]])
        defer { receiver.stop() }
        let server = try GatewayProcess(config: try Self.binaryConfig(url: receiver.hook))
        defer { server.stop() }
        let id = try await Self.post(1, to: server)
        let received = try await Self.wait(for: 2, at: receiver)
        try #require(received.count == 2)
        #expect(received.map { $0["status"] } == [503, 200])
        #expect(received.map { $0["headers"]?["webhook-id"]?.stringValue } == [id, id])
        let gap = (received[1]["time"]?.numberValue ?? 0) - (received[0]["time"]?.numberValue ?? 0)
        #expect(gap >= 1.95, "retried after \(gap) s")
        try await Task.sleep(for: .seconds(1))
        #expect(try await receiver.received().deliveries.count == 2, "delivered more than once after the 200")
    }

    /// The real binary while its receiver is down (connection refused): everything arrives once the
    /// receiver is back.
    @Test func theRealBinaryDeliversEverythingOnceTheReceiverIsBack() async throws {
        let probe = try Receiver()
        let port = probe.port
        probe.stop()
        let server = try GatewayProcess(
            config: try Self.binaryConfig(
                url: "http://127.0.0.1:\(port)/hook",
                retry: "[500ms, 500ms, 500ms, 500ms, 500ms, 500ms, 500ms, 500ms, 500ms, 500ms, 500ms, 500ms]"))
        defer { server.stop() }
        var ids: [String] = []
        for i in 0..<5 { ids.append(try await Self.post(100 + i, to: server)) }
        try await Task.sleep(for: .seconds(2))
        let receiver = try Receiver(["port": .int(Int64(port))])
        defer { receiver.stop() }
        let received = try await Self.wait(for: 5, at: receiver)
        #expect(Set(received.compactMap { $0["headers"]?["webhook-id"]?.stringValue }) == Set(ids))
        #expect(received.count == 5)
    }

    /// The real binary and a receiver that answers 400: dead at once; `callgate replay --dead`
    /// (another process, while the gateway runs) queues it again and it is delivered.
    @Test func theRealBinaryKeepsA400DeadUntilReplayed() async throws {
        let receiver = try Receiver(["responses": [["status": 400]]])
        defer { receiver.stop() }
        let config = try Self.binaryConfig(url: receiver.hook)
        let server = try GatewayProcess(config: config)
        defer { server.stop() }
        let id = try await Self.post(200, to: server)
        _ = try await Self.wait(for: 1, at: receiver)
        try await Task.sleep(for: .seconds(1))
        #expect(try await receiver.received().deliveries.count == 1, "a 400 was retried")
        let replay = try Subprocess.run(
            PackageRoot.path(".build/debug/callgate"), ["replay", "--dead", "--config", config.path])
        #expect(String(decoding: replay.stdout, as: UTF8.self).contains("1 dead deliveries queued again"))
        let received = try await Self.wait(for: 2, at: receiver)
        #expect(received.map { $0["status"] } == [400, 200])
        #expect(received.map { $0["headers"]?["webhook-id"]?.stringValue } == [id, id])
    }
}
