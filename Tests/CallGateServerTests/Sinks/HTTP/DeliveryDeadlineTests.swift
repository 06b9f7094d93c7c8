import AsyncHTTPClient
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGateStore
import CallGateTestSupport
import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGatePipeline
@testable import CallGateReceive
@testable import CallGateServer

/// One deadline per delivery attempt (connecting, the head and the body, and the OAuth 2 token
/// fetch), and reloads and shutdowns that cancel what outlives `delivery.grace_period`: against
/// `sink_receiver.py` on loopback, which sends a 200 head and then stalls its body.
@Suite(.serialized) struct DeliveryDeadlineTests {
    /// How many token requests the receiver has stalled.
    static func stalledTokens(_ receiver: Receiver) async throws -> Int {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(receiver.port)/_received"), timeout: .seconds(10))
        let json = try JSONParser.parse(Array(buffer: try await response.body.collect(upTo: 16 << 20)))
        return Int(json["tokens_stalled"]?.numberValue ?? 0)
    }

    @Test(arguments: StoreKind.available) func aSinkThatStallsItsBodyFailsTheAttemptAtTheDeadline(_ kind: StoreKind)
        async throws
    {
        // AsyncHTTPClient's own timeout ends with the head: without the attempt's deadline this
        // attempt would wait the receiver's 60 s of silence, past every `eventually` below.
        let receiver = try Receiver(["stall_hooks": 1])
        defer { receiver.stop() }
        let harness = try await DeliveryHarness.make(
            store: kind,
            sinks: "  - { id: crm, type: http, url: \"\(receiver.hook)\", timeout: 1s, retry: { schedule: [200ms] } }")
        let id = try await harness.ingest(call: "stalled-body")
        let delivered = try await harness.deliver {
            try await harness.eventually { await harness.rows(.delivered).count == 1 }
        }
        #expect(delivered)
        let row = try #require(await harness.rows().first)
        let attempts = try await harness.store.attempts(delivery: row.id)
        try #require(attempts.count == 2)
        #expect(attempts[0].error == "timed out after 1.0 seconds", "\(attempts[0].error ?? "")")
        #expect(attempts[0].statusCode == nil)
        #expect(attempts[0].latencyMilliseconds >= 950)
        #expect(attempts[1].statusCode == 200)
        let received = try await receiver.received().deliveries
        #expect(received.map { $0["status"] } == ["stalled", 200])
        #expect(received.map { $0["body"]?.stringValue?.contains(id) } == [true, true])
    }

    @Test func aTokenEndpointThatStallsFailsTheAttemptAtTheDeadline() async throws {
        let receiver = try Receiver([
            "oauth": ["client_id": "callgate", "client_secret": "s3cret"], "stall_tokens": 1,
        ])
        defer { receiver.stop() }
        let harness = try await DeliveryHarness.make(
            sinks: """
                  - id: crm
                    type: http
                    url: \(receiver.hook)
                    timeout: 1s
                    retry: { schedule: [200ms] }
                    auth: { oauth2: { token_url: "http://127.0.0.1:\(receiver.port)/token", client_id: callgate, client_secret: s3cret } }
                """)
        try await harness.ingest(call: "stalled-token")
        let delivered = try await harness.deliver {
            try await harness.eventually { await harness.rows(.delivered).count == 1 }
        }
        #expect(delivered)
        let row = try #require(await harness.rows().first)
        let attempts = try await harness.store.attempts(delivery: row.id)
        try #require(attempts.count == 2)
        #expect(
            attempts[0].error?.contains("timed out") == true || attempts[0].error?.contains("did not answer") == true)
        #expect(attempts[1].statusCode == 200)
        #expect(try await Self.stalledTokens(receiver) == 1)
        #expect(try await receiver.received().tokens == 1)
        // Only the second attempt reached the hook, with the token of the second fetch.
        #expect(try await receiver.received().deliveries.map { $0["status"] } == [200])
    }

    @Test(arguments: StoreKind.available) func aReloadCancelsAnAttemptThatOutlivesTheGracePeriod(_ kind: StoreKind)
        async throws
    {
        let receiver = try Receiver(["stall_hooks": 1])
        defer { receiver.stop() }
        // The sink's own deadline (60 s) is far away: only the grace period can end the attempt.
        let file = try DeliveryHarness.writeConfig(
            sinks: "  - { id: crm, type: http, url: \"\(receiver.hook)\", timeout: 60s, retry: { schedule: [10m] } }")
        try (String(contentsOf: file, encoding: .utf8) + "\ndelivery: { grace_period: 300ms }\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let normalizer = try Normalizer.load(configFile: file.path, environment: [:])
        #expect(normalizer.config.delivery.gracePeriod == .milliseconds(300))
        let store = try await kind.open()
        let gateway = try Gateway(normalizer: normalizer, store: store, logger: .init(label: "grace"))
        let harness = DeliveryHarness(gateway: gateway, store: store, config: normalizer.config)
        try await harness.ingest(call: "grace")
        let (cancelled, delivered) = try await harness.deliver { () async throws -> (Bool, Bool) in
            _ = try await harness.eventually { try await receiver.received().deliveries.count == 1 }
            #expect(gateway.reload { try Normalizer.load(configFile: file.path, environment: [:]) } == nil)
            let cancelled = try await harness.eventually(10) { (await harness.rows().first?.attempts ?? 0) >= 1 }
            // Due again at once despite the 10-minute schedule: the new workers deliver it.
            let delivered = try await harness.eventually(10) { await harness.rows(.delivered).count == 1 }
            return (cancelled, delivered)
        }
        #expect(cancelled)
        #expect(delivered)
        let row = try #require(await harness.rows().first)
        let attempts = try await harness.store.attempts(delivery: row.id)
        try #require(attempts.count == 2)
        #expect(attempts[0].error == "cancelled by a reload or shutdown after the grace period")
        #expect(attempts[1].statusCode == 200)
    }

    /// The real binary: SIGTERM while an attempt stalls. It exits after the grace period instead of
    /// waiting for the sink, with the attempt recorded as failed and the row still pending.
    @Test func shutdownCancelsAnAttemptThatOutlivesTheGracePeriod() async throws {
        let receiver = try Receiver(["stall_hooks": 1])
        defer { receiver.stop() }
        let config = try DeliveryDeadlineTests.config(url: receiver.hook, extra: "delivery: { grace_period: 500ms }")
        let server = try GatewayProcess(config: config)
        defer { server.stop() }
        _ = try await DeliveryTests.post(300, to: server)
        _ = try await DeliveryTests.wait(for: 1, at: receiver)
        kill(server.process.processIdentifier, SIGTERM)
        // The sink's timeout is 60 s and the receiver stalls for 60 s: only the grace period ends
        // the attempt this early.
        let exited = try await eventually(20) { !server.process.isRunning }
        #expect(exited, "still running: \(server.log.text)")
        try #require(exited)
        let store = try SQLiteStore(
            path: config.deletingLastPathComponent().appendingPathComponent("store.sqlite").path)
        let rows = try await store.deliveries(status: nil, sink: nil)
        try #require(rows.count == 1)
        #expect(rows[0].status == .pending)
        let attempts = try await store.attempts(delivery: rows[0].id)
        #expect(attempts.map(\.error) == ["cancelled by a reload or shutdown after the grace period"])
        try await store.close()
    }

    static func config(url: String, extra: String) throws -> URL {
        let file = try DeliveryHarness.writeConfig(
            sinks: "  - { id: crm, type: http, url: \"\(url)\", timeout: 60s, retry: { schedule: [1s] } }")
        try (String(contentsOf: file, encoding: .utf8) + "\n" + extra + "\n").write(
            to: file, atomically: true, encoding: .utf8)
        return file
    }
}
