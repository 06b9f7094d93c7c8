import AsyncHTTPClient
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateStore
import CallGateTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import CallGateConfig
@testable import CallGatePipeline
@testable import CallGateReceive
@testable import CallGateServer

/// Health, metrics, request ids and log lines (issue 5).
@Suite struct OperationsTests {
    static var json: HTTPFields { [.contentType: "application/json"] }

    /// Runs `body` with the port of a receiver that answers every POST 400, so deliveries to it die.
    static func withARejectingReceiver(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/") { _, _ in Response(status: .badRequest) }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { client in try await body(try #require(client.port)) }
    }

    static func delivering<T: Sendable>(_ h: GatewayHarness, _ body: @Sendable () async throws -> T) async throws -> T {
        try await CallGateServerTests.delivering(h.gateway, body)
    }

    static func eventually(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        try await CallGateServerTests.eventually(seconds, condition)
    }

    @Test func readinessNamesWhatIsNotReady() async throws {
        let h = try GatewayHarness.make()
        try await h.test { client async throws in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            // The delivery workers are not running yet.
            let idle = try await client.execute(uri: "/readyz", method: .get)
            #expect(idle.status == .serviceUnavailable)
            #expect(idle.errorCode == "not_ready")
            #expect(idle.json["checks"]?["store"] == "ok")
            #expect(idle.json["checks"]?["delivery"] == "delivery workers are not running")

            try await Self.delivering(h) { () async throws in
                #expect(try await Self.eventually(5) { h.gateway.workers.running != nil })
                let ready = try await client.execute(uri: "/readyz", method: .get)
                #expect(ready.status == .ok, "\(ready.json)")
                #expect(ready.json["status"] == "ready")
                #expect(ready.json["checks"]?["config"] == "loaded (generation 1)")
                try await h.store.close()
                let closed = try await client.execute(uri: "/readyz", method: .get)
                #expect(closed.status == .serviceUnavailable)
                #expect(closed.json["checks"]?["store"] == "the store cannot take writes")
            }
            #expect(h.gateway.workers.running == nil)
        }
    }

    @Test func everyMetricMovesWhenItShould() async throws {
        try await Self.withARejectingReceiver { port in
            let h = try GatewayHarness.make(
                yaml: GatewayHarness.yaml + "\n  - { id: gone, type: http, url: \"http://127.0.0.1:\(port)/\" }\n")
            try await Self.everyMetricMoves(h)
        }
    }

    static func everyMetricMoves(_ h: GatewayHarness) async throws {
        try await h.test { client async throws in
            @Sendable func scrape() async throws -> PrometheusText {
                let response = try await client.execute(uri: "/metrics", method: .get)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                return PrometheusText(response.text)
            }
            let before = try await scrape()
            #expect(before.value("callgate_ingest_requests_total", ["source": "miitel", "status_class": "2xx"]) == nil)

            let body = buffer(try fixtureBody("miitel", "speech-recognition-ja"))
            let accepted = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: body)
            #expect(accepted.status == .ok)
            let types = try #require(accepted.json["events"]?.arrayValue).compactMap { $0["type"]?.stringValue }
            #expect(!types.isEmpty)
            _ = try await client.execute(uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: body)
            _ = try await client.execute(uri: "/v1/ingest/no-such-source", method: .post, headers: Self.json)
            let malformed = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: buffer(#"{"call""#))
            #expect(malformed.status == .badRequest)

            let m = try await scrape()
            #expect(m.value("callgate_ingest_requests_total", ["source": "miitel", "status_class": "2xx"]) == 2)
            #expect(m.value("callgate_ingest_requests_total", ["source": "miitel", "status_class": "4xx"]) == 1)
            // An unconfigured source never becomes a label value.
            #expect(m.value("callgate_ingest_requests_total", ["source": "unknown", "status_class": "4xx"]) == 1)
            #expect(!m.text.contains("no-such-source"))
            for type in Set(types) {
                #expect(
                    m.value("callgate_events_total", ["source": "miitel", "type": type])
                        == Double(types.filter { $0 == type }.count))
            }
            #expect(m.value("callgate_duplicates_total", ["source": "miitel"]) == 1)
            #expect(m.value("callgate_quarantined_total", ["source": "miitel"]) == 1)
            // One commit for the new request and one for the duplicate's look-up.
            #expect(m.value("callgate_store_commit_duration_seconds_count") == 2)
            #expect(m.value("callgate_outbox_pending", ["sink": "archive"]) == Double(types.count))
            #expect(m.value("callgate_outbox_pending", ["sink": "gone"]) == Double(types.count))
            #expect(m.value("callgate_outbox_oldest_pending_age_seconds", ["sink": "archive"]).map { $0 >= 0 } == true)
            #expect(m.value("callgate_dead_letters", ["sink": "gone"]) == 0)

            try await Self.delivering(h) { () async throws in
                #expect(
                    try await Self.eventually {
                        let m = try await scrape()
                        return m.value("callgate_outbox_pending", ["sink": "archive"]) == 0
                            && m.value("callgate_dead_letters", ["sink": "gone"]) == Double(types.count)
                    })
            }
            let after = try await scrape()
            #expect(
                after.value("callgate_deliveries_total", ["sink": "archive", "result": "delivered"])
                    == Double(types.count))
            #expect(
                after.value("callgate_deliveries_total", ["sink": "gone", "result": "dead"]) == Double(types.count))
            #expect(after.value("callgate_delivery_duration_seconds_count", ["sink": "archive"]) == Double(types.count))
            #expect(after.value("callgate_outbox_pending", ["sink": "gone"]) == 0)
            #expect(after.value("callgate_outbox_oldest_pending_age_seconds", ["sink": "archive"]) == 0)
        }
    }

    @Test func everyLineOfARequestCarriesItsId() async throws {
        let h = try GatewayHarness.make()
        try await h.test { client async throws in
            var headers = Self.json
            headers[RequestIDMiddleware.header] = "proxy-req:42"
            let kept = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: headers,
                body: buffer(try fixtureBody("miitel", "speech-recognition-ja")))
            #expect(kept.headers[RequestIDMiddleware.header] == "proxy-req:42")

            headers[RequestIDMiddleware.header] = "has spaces\u{7F}"
            let replaced = try await client.execute(uri: "/v1/ingest/nope", method: .post, headers: headers)
            let generated = try #require(replaced.headers[RequestIDMiddleware.header])
            #expect(generated.count == 16 && generated.allSatisfy(\.isHexDigit))

            // Unknown routes answer in the gateway's error shape, with an id too.
            let lost = try await client.execute(uri: "/nowhere", method: .get)
            #expect(lost.status == .notFound)
            #expect(lost.errorCode == "not_found")
            #expect(lost.headers[RequestIDMiddleware.header] != nil)
        }
        let lines = h.logs.lines.withLock { $0 }
        let ingest = lines.filter { $0.contains("ingest") }
        #expect(ingest.count == 2)
        #expect(ingest.contains { $0.contains("\"request_id\": proxy-req:42") })
        #expect(ingest.allSatisfy { $0.contains("\"request_id\": ") })
    }

    /// An unknown source or a refused method is named as such, even with a body over any limit.
    @Test func theSourceAndMethodAreCheckedBeforeTheSize() async throws {
        let h = try GatewayHarness.make()
        try await h.test { client async throws in
            let huge = buffer(String(repeating: "x", count: 100_000))
            let unknown = try await client.execute(
                uri: "/v1/ingest/nosuch", method: .post, headers: Self.json, body: huge)
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "unknown_source")
            let get = try await client.execute(uri: "/v1/ingest/miitel", method: .get, body: huge)
            #expect(get.status == .methodNotAllowed)
            let large = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: huge)
            #expect(large.status == .contentTooLarge)
            let metrics = PrometheusText(try await client.execute(uri: "/metrics", method: .get).text)
            #expect(metrics.value("callgate_ingest_requests_total", ["source": "miitel", "status_class": "4xx"]) == 2)
        }
    }

    @Test func jsonLogLinesAreOneObjectEach() throws {
        let event = LogEvent(
            level: .warning, message: "delivery failed", metadata: ["status": "503", "attempts": ["1", "2"]],
            source: "CallGateServer", file: #fileID, function: #function, line: #line)
        let line = JSONLogHandler.line(
            event: event, label: "callgate", metadata: ["request_id": "abc", "sink": "crm"],
            at: Date(timeIntervalSince1970: 1_700_000_000.25))
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)
        let json = try JSONParser.parse(Array(line.dropLast()))
        #expect(json["time"] == "2023-11-14T22:13:20.250Z")
        #expect(json["level"] == "warning")
        #expect(json["label"] == "callgate")
        #expect(json["message"] == "delivery failed")
        #expect(json["request_id"] == "abc")
        #expect(json["sink"] == "crm")
        #expect(json["status"] == "503")
        #expect(json["attempts"] == ["1", "2"])
    }
}

/// The retention service on the SQLite store.
@Suite struct RetentionServiceTests {
    /// Pruning goes in batches, each its own short write, so an ingest arriving meanwhile commits
    /// long before pruning ends.
    @Test func pruningInBatchesLetsIngestThrough() async throws {
        let h = try GatewayHarness.make()
        let directory = h.configFile.deletingLastPathComponent()
        let store = try SQLiteStore(path: directory.appendingPathComponent("retention.sqlite").path)
        let old = Timestamp(seconds: 1_000)
        let body = Array(String(repeating: "x", count: 200).utf8)
        // 2,000 old raw requests (no events), written 500 to a transaction.
        try await withThrowingDiscardingTaskGroup { group in
            for _ in 0..<2_000 {
                group.addTask {
                    _ = try await store.ingest(
                        IngestRecord(
                            source: "miitel", receivedAt: old, contentType: nil, query: nil, body: body, events: [],
                            routes: .none))
                }
            }
        }
        let metrics = GatewayMetrics()
        let service = RetentionService(
            state: h.gateway.state, store: store, metrics: metrics, logger: Logger(label: "test"), batchSize: 100,
            pause: .milliseconds(20))
        let finished = StopFlag()
        let pruning = Task {
            let pruned = await service.pruneAll(h.gateway.config.retention, now: .now)
            finished.set()
            return pruned
        }
        try await Task.sleep(for: .milliseconds(60))
        let service2 = try IngestService(
            normalizer: try h.load(), store: store, logger: Logger(label: "test"), metrics: metrics)
        let answer = await service2.handle(
            InboundRequest(
                contentType: "application/json", body: try fixtureBody("miitel", "speech-recognition-ja")),
            source: "miitel")
        #expect(answer.status == 200)
        // 20 batches with 20 ms between them take at least 380 ms: the ingest did not wait for them.
        #expect(!finished.isSet)
        let pruned = await pruning.value
        #expect(pruned[.requests] == 2_000)
        let text = PrometheusText(String(decoding: metrics.render(), as: UTF8.self))
        #expect(text.value("callgate_retention_pruned_total", ["kind": "requests"]) == 2_000)
        let requests = try await store.requests(source: nil, since: Timestamp(seconds: 0))
        #expect(requests.filter { $0.body != nil }.count == 1)
        try await store.close()
    }
}

/// The Prometheus text format, read back for assertions.
struct PrometheusText {
    let text: String

    init(_ text: String) { self.text = text }

    /// The sample of `name` whose labels are exactly `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let (seriesName, seriesLabels) = Self.parse(series)
            if seriesName == name, seriesLabels == labels { return Double(line[line.index(after: space)...]) }
        }
        return nil
    }

    static func parse(_ series: Substring) -> (String, [String: String]) {
        guard let open = series.firstIndex(of: "{") else { return (String(series), [:]) }
        var labels: [String: String] = [:]
        let body = series[series.index(after: open)..<(series.lastIndex(of: "}") ?? series.endIndex)]
        for pair in body.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        return (String(series[..<open]), labels)
    }
}
