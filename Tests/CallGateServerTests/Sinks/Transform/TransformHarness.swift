import CallGateFoundation
import CallGateKit
import CallGateModel
import CallGateTestSupport
import Foundation
import Testing

@testable import CallGatePipeline
@testable import CallGateReceive
@testable import CallGateServer

/// A gateway between vendors for the transform tests: open BIZTEL and Udesk sources whose
/// recordings are served by `Tests/Support/target_receiver.py`, which also stands in for the
/// destinations (MiiTel Incoming, HubSpot, …) and checks every request against their schemas.
struct TransformHarness {
    let harness: DeliveryHarness
    let receiver: Receiver

    /// Recordings need HTTP Basic (the source's `recording_auth`).
    static let recordingAuth: JSONValue = ["username": "rec", "password": "pw"]

    static func make(sinks: (String) -> String, plan: JSONValue = [:], store: StoreKind = .memory) async throws
        -> TransformHarness
    {
        var object = plan.objectValue ?? JSONObject()
        object["recording_auth"] = recordingAuth
        let receiver = try Receiver(.object(object), script: "target_receiver.py")
        let base = receiver.base
        let harness = try await DeliveryHarness.make(store: store, sinks: sinks(base), sources: sources(base))
        return TransformHarness(harness: harness, receiver: receiver)
    }

    /// Open BIZTEL and Udesk sources whose recordings the stand-in at `base` serves behind Basic auth.
    static func sources(_ base: String) -> String {
        """
          - id: biztel
            adapter: biztel
            region: JP
            recording_url: "\(base)/recordings/{ID}.wav"
            recording_auth: { basic: { username: rec, password: pw } }
          - { id: udesk, adapter: udesk, region: CN, recording_auth: { basic: { username: rec, password: pw } } }
        """
    }

    /// The MiiTel Incoming sink of the README's example, with both sources' agents in its table.
    static func miitelSink(_ base: String, extra: String = "") -> String {
        """
          - id: miitel-analytics
            type: http
            url: \(base)/miitel/webhook
            transform: miitel_incoming
            events: [call.ended, call.completed]
            tables: { miitel_users: { "201": u-201, "agent@email.cn": u-udesk } }
            recording: { upload: true, upload_url: "$.upload_url", wait: 30s\(extra) }
        """
    }

    static func hubspotSink(_ base: String, concurrency: Int = 4) -> String {
        """
          - id: hubspot
            type: http
            url: \(base)/crm/v3/objects/calls
            transform: hubspot_calls
            auth: { bearer: test-token }
            concurrency: \(concurrency)
        """
    }

    /// A BIZTEL call action, as a query string or a JSON body.
    @discardableResult
    func biztel(query: String? = nil, json: JSONValue? = nil) async throws -> JSONValue {
        let request =
            if let json {
                InboundRequest(contentType: "application/json", body: JSONWriter.compact.bytes(json))
            } else {
                try MapRequest.make(body: [], query: query, contentType: nil)
            }
        let response = await harness.gateway.service.handle(request, source: "biztel")
        let answer = try JSONParser.parse(response.body)
        try #require(response.status == 200, "\(answer)")
        return answer
    }

    /// 着信, 応答 by agent 201, 切断: one BIZTEL call.
    func biztelCall(_ id: String) async throws {
        try await biztel(query: "event=%E7%9D%80%E4%BF%A1&id=\(id)&tel=09012345678&did=0312345678")
        try await biztel(json: ["event": "応答", "id": .string(id), "tel": "09012345678", "agent": "201"])
        try await biztel(query: "event=%E5%88%87%E6%96%AD&id=\(id)&agent=201")
    }

    /// Udesk's call trigger sample (an answered outbound callback by agent@email.cn), its recording
    /// on the receiver.
    func udeskCall(_ id: String = "d7d539d1-6023-4f63-b1c4-6a72262945ba", recording: Bool = true) async throws {
        let sample = try Golden.json("udesk", "call-trigger-ja")
        let body = sample.setting("call_id", .string(id)).setting(
            "record_url", recording ? .string("\(receiver.base)/recordings/\(id).mp3") : .null)
        let response = await harness.gateway.service.handle(
            InboundRequest(contentType: "application/json", body: JSONWriter.compact.bytes(body)), source: "udesk")
        try #require(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
    }

    /// What the receiver got on paths starting with `prefix`.
    func received(_ prefix: String) async throws -> [JSONValue] {
        (try await receiver.get("/_received")["received"]?.arrayValue ?? []).filter {
            $0["path"]?.stringValue?.hasPrefix(prefix) == true
        }
    }
}
