import AsyncHTTPClient
import CallGateFoundation
import CallGateModel
import CallGateStore
import CallGateTestSupport
import Foundation
import NIOCore
import Testing

@testable import CallGatePipeline

/// The gateway between vendors, end to end with the real `callgate` binary: BIZTEL call actions and
/// a Udesk call trigger in; MiiTel Incoming call histories (with audio) and HubSpot calls out, to
/// the loopback stand-in for both (`Tests/Support/target_receiver.py`), which is slow to answer.
@Suite(.serialized) struct BetweenVendorsTests {
    static func send(_ request: HTTPClientRequest) async throws -> JSONValue {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try JSONParser.parse(Array(buffer: try await response.body.collect(upTo: 1 << 20)))
        try #require(response.status == .ok, "\(body)")
        return body
    }

    static func biztel(_ query: String, port: Int) async throws {
        _ = try await send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/ingest/biztel?\(query)"))
    }

    static func json(_ source: String, _ body: JSONValue, port: Int) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/ingest/\(source)")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(JSONWriter.compact.bytes(body))
        _ = try await send(request)
    }

    @Test func biztelAndUdeskIntoMiiTelAndHubSpot() async throws {
        let receiver = try Receiver(
            ["recording_auth": TransformHarness.recordingAuth, "delay_seconds": ["/crm/": 0.3]],
            script: "target_receiver.py")
        defer { receiver.stop() }
        let base = receiver.base
        let config = try DeliveryHarness.writeConfig(
            sinks: TransformHarness.miitelSink(base) + "\n" + TransformHarness.hubspotSink(base),
            sources: TransformHarness.sources(base))
        let server = try GatewayProcess(config: config)
        defer { server.stop() }
        // Two BIZTEL calls, their actions interleaved, and a Udesk call trigger.
        let calls = ["1716960000.7001", "1716960000.7002"]
        for id in calls {
            try await Self.biztel(
                "event=%E7%9D%80%E4%BF%A1&id=\(id)&tel=0901234\(id.suffix(4))&did=0312345678", port: server.port)
        }
        for id in calls {
            try await Self.biztel("event=%E5%BF%9C%E7%AD%94&id=\(id)&agent=201", port: server.port)
        }
        for id in calls { try await Self.biztel("event=%E5%88%87%E6%96%AD&id=\(id)&agent=201", port: server.port) }
        let udesk = try Golden.json("udesk", "call-trigger-ja").setting(
            "record_url", .string("\(base)/recordings/udesk.mp3"))
        try await Self.json("udesk", udesk, port: server.port)

        // 3 MiiTel histories with 3 uploads; 3 HubSpot creates and 4 updates.
        let deadline = ContinuousClock.now + .seconds(40)
        var report = try await receiver.get("/_received")
        func count(_ path: String, _ method: String) -> Int {
            (report["received"]?.arrayValue ?? []).filter {
                $0["path"]?.stringValue?.hasPrefix(path) == true && $0["method"]?.stringValue == method
            }.count
        }
        while ContinuousClock.now < deadline,
            (report["uploads"]?.arrayValue?.count ?? 0) < 3 || count("/crm/", "PATCH") < 4
        {
            try await Task.sleep(for: .milliseconds(200))
            report = try await receiver.get("/_received")
        }
        let received = report["received"]?.arrayValue ?? []
        let errors = received.flatMap { $0["errors"]?.arrayValue ?? [] }
        #expect(errors.isEmpty, "\(errors)\n\(server.log.text)")
        #expect(count("/miitel/webhook", "POST") == 3)
        #expect(count("/crm/", "POST") == 3)
        #expect(count("/crm/", "PATCH") == 4)
        let uploads = report["uploads"]?.arrayValue ?? []
        #expect(uploads.count == 3)
        #expect(uploads.allSatisfy { $0["sha256"] == report["recording_sha256"] })
        let types = received.compactMap { $0["body"]?["call_data"]?.arrayValue?.first?["event_type"]?.stringValue }
        #expect(types.sorted() == ["INCOMING_CALL", "INCOMING_CALL", "OUTGOING_CALL"])
        #expect(report["duplicates"] == [:])
        // Per call, HubSpot saw create → update → update, each sent after the previous answer.
        for id in calls {
            let number = "+81901234" + id.suffix(4)
            let mine = received.filter {
                $0["path"]?.stringValue?.hasPrefix("/crm/") == true
                    && $0["body"]?["properties"]?["hs_call_from_number"]?.stringValue == number
            }
            #expect(mine.map { $0["method"]?.stringValue } == ["POST", "PATCH", "PATCH"], "\(number)")
            let times = mine.compactMap { $0["time"]?.numberValue }
            for (a, b) in zip(times, times.dropFirst()) { #expect(b - a >= 0.28) }
        }
    }
}
