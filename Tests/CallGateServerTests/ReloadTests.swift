import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGateStore
import CallGateTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CallGateConfig
@testable import CallGatePipeline
@testable import CallGateReceive
@testable import CallGateServer

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Reloading configuration and mappings without downtime (SIGHUP).
@Suite struct ReloadTests {
    static var json: HTTPFields { [.contentType: "application/json"] }

    /// A harness whose `miitel` source uses a copy of the shipped mapping next to the
    /// configuration, so a test can change it.
    static func harness() throws -> (GatewayHarness, mapping: URL) {
        let h = try GatewayHarness.make()
        let mapping = h.configFile.deletingLastPathComponent().appendingPathComponent("miitel.yaml")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: GatewayHarness.mapping("miitel")), to: mapping)
        try rewrite(h.configFile) {
            $0.replacingOccurrences(
                of: "{ id: miitel, adapter: miitel, region: JP, mapping: \(GatewayHarness.mapping("miitel")) }",
                with: "{ id: miitel, adapter: miitel, region: JP, mapping: miitel.yaml }")
        }
        h.gateway.reload { try h.load() }
        return (h, mapping)
    }

    static func rewrite(_ file: URL, _ change: (String) -> String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        let changed = change(text)
        #expect(changed != text, "the rewrite changed nothing")
        try changed.write(to: file, atomically: true, encoding: .utf8)
    }

    /// MiiTel's OUTGOING_CALL becomes an internal call.
    static func changeDirection(_ mapping: URL) throws {
        try rewrite(mapping) {
            $0.replacingOccurrences(of: "      OUTGOING_CALL: outbound", with: "      OUTGOING_CALL: internal")
        }
    }

    /// The direction of the newest stored event of the call a response names.
    static func direction(_ response: TestResponse, _ store: any CallStore) async throws -> String? {
        let key = try #require(response.json["call_key"]?.stringValue)
        return try await store.events(callKey: key, limit: 1).first?.json["call"]?["direction"]?.stringValue
    }

    @Test func newRequestsUseTheReloadedMapping() async throws {
        let (h, mapping) = try Self.harness()
        #expect(h.gateway.state.current.generation == 2)
        let body = buffer(try fixtureBody("miitel", "speech-recognition-ja"))
        try await h.test { client async throws in
            let before = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: body)
            #expect(try await Self.direction(before, h.store) == "outbound")

            try Self.changeDirection(mapping)
            #expect(h.gateway.reload { try h.load() } == nil)
            let after = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: body)
            #expect(after.status == .ok)
            // The same call, re-derived differently: a new revision, not a duplicate.
            #expect(after.json["status"] == "accepted")
            #expect(after.json["events"]?.arrayValue?.first?["revision"] == 2)
            #expect(try await Self.direction(after, h.store) == "internal")
        }
        #expect(h.logs.all.contains("configuration reloaded"))
    }

    @Test func anInvalidConfigurationIsRefusedAndTheOldOneStays() async throws {
        let h = try GatewayHarness.make(yaml: GatewayHarness.yaml + "\nadmin: { token: admin-token }\n")
        try await h.test { client async throws in
            // An unknown key on line 3.
            try Self.rewrite(h.configFile) {
                $0.replacingOccurrences(of: "sources:\n", with: "surprise: 1\nsources:\n")
            }
            let error = try #require(h.gateway.reload { try h.load() })
            #expect(error.contains("callgate.yaml:3:1"), "\(error)")
            #expect(h.gateway.state.current.generation == 1)
            #expect(h.logs.all.contains("configuration reload refused"))
            #expect(h.logs.all.contains("callgate.yaml:3:1"))

            let still = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json,
                body: buffer(try fixtureBody("miitel", "speech-recognition-ja")))
            #expect(still.status == .ok)
            let metrics = PrometheusText(try await client.execute(uri: "/metrics", method: .get).text)
            #expect(metrics.value("callgate_config_reloads_total", ["result": "failed"]) == 1)

            // A mapping error is refused the same way, with the mapping's file:line:column.
            try Self.rewrite(h.configFile) { $0.replacingOccurrences(of: "surprise: 1\n", with: "") }
            let broken = h.configFile.deletingLastPathComponent().appendingPathComponent("broken.yaml")
            try "version: 1\nvendor: miitel\nrecord:\n  status: [\n".write(
                to: broken, atomically: true, encoding: .utf8)
            try Self.rewrite(h.configFile) {
                $0.replacingOccurrences(
                    of: "mapping: \(GatewayHarness.mapping("miitel")) }", with: "mapping: broken.yaml }")
            }
            let mappingError = try #require(h.gateway.reload { try h.load() })
            #expect(mappingError.contains("broken.yaml:"), "\(mappingError)")
            #expect(h.gateway.state.current.generation == 1)
        }
    }

    /// A request that started before the reload finishes with the configuration it started with.
    @Test func aRequestInFlightFinishesOnTheOldMapping() async throws {
        let (h, mapping) = try Self.harness()
        let body = try fixtureBody("miitel", "speech-recognition-ja")
        try await h.test(.live) { client async throws in
            let port = try #require(client.port)
            // Headers and half the body now; the rest after the reload.
            let socket = try SlowClient(port: port)
            try socket.send(
                Array(
                    ("POST /v1/ingest/miitel HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: \(body.count)\r\n\r\n").utf8))
            try socket.send(Array(body[..<(body.count / 2)]))
            // The handler takes the configuration when the head is dispatched; on a loaded machine
            // (the full suite with PostgreSQL) 300 ms was once not enough for that.
            try await Task.sleep(for: .seconds(1))
            try Self.changeDirection(mapping)
            #expect(h.gateway.reload { try h.load() } == nil)
            try socket.send(Array(body[(body.count / 2)...]))
            let answer = socket.readResponse()
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            let key = try #require(
                answer.split(separator: "\r\n\r\n").last.flatMap { try? JSONParser.parse(Array($0.utf8)) }?["call_key"]?
                    .stringValue)
            let stored = try await h.store.events(callKey: key, limit: 1).first
            #expect(stored?.json["call"]?["direction"] == "outbound")
        }
    }

    @Test func theDeliveryWorkersRestartOnTheNewSinks() async throws {
        let h = try GatewayHarness.make()
        let directory = h.configFile.deletingLastPathComponent()
        try await OperationsTests.delivering(h) { () async throws in
            #expect(
                try await OperationsTests.eventually(5) { h.gateway.workers.running == ["archive", "completed-only"] })
            try Self.rewrite(h.configFile) {
                $0 + "\n  - { id: late, type: file, path: late.jsonl }\n"
            }
            #expect(h.gateway.reload { try h.load() } == nil)
            #expect(try await OperationsTests.eventually(5) { h.gateway.workers.running?.contains("late") == true })
            let response = await h.gateway.service.handle(
                InboundRequest(
                    contentType: "application/json", body: try fixtureBody("miitel", "speech-recognition-ja")),
                source: "miitel")
            #expect(response.status == 200)
            #expect(
                try await OperationsTests.eventually {
                    let text =
                        (try? String(contentsOf: directory.appendingPathComponent("late.jsonl"), encoding: .utf8)) ?? ""
                    return text.contains("\"source\":\"miitel\"")
                })
        }
    }

    /// The real binary: SIGHUP loads the changed file; a broken one is refused and logged.
    @Test func sighupReloadsTheRunningServer() async throws {
        let (_, config) = try CrashTests.configuration()
        let server = try GatewayProcess(config: config)
        defer { server.stop() }
        let payload = try fixtureBody("miitel", "speech-recognition-ja")
        #expect(await Self.post(payload, to: "second", port: server.port) == 404)

        try Self.rewrite(config) {
            $0.replacingOccurrences(
                of: "sinks:",
                with:
                    "  - { id: second, adapter: miitel, region: JP, mapping: \(GatewayHarness.mapping("miitel")) }\nsinks:"
            )
        }
        kill(server.process.processIdentifier, SIGHUP)
        #expect(
            try await OperationsTests.eventually { await Self.post(payload, to: "second", port: server.port) == 200 })

        try Self.rewrite(config) { $0.replacingOccurrences(of: "sinks:", with: "sinkz:") }
        kill(server.process.processIdentifier, SIGHUP)
        #expect(
            try await OperationsTests.eventually {
                server.log.text.contains("configuration reload refused")
            })
        #expect(server.log.text.contains("callgate.yaml:"))
        #expect(server.process.isRunning)
        #expect(await Self.post(payload, to: "second", port: server.port) == 200)
    }

    static func post(_ body: [UInt8], to source: String, port: Int) async -> Int? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/ingest/\(source)")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body)
        request.timeoutInterval = 10
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return (response as? HTTPURLResponse)?.statusCode
    }
}
