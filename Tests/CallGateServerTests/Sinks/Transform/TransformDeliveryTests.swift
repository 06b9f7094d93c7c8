import CallGateFoundation
import CallGateKit
import CallGateModel
import CallGateStore
import CallGateTestSupport
import Foundation
import Testing

@testable import CallGatePipeline
@testable import CallGateServer

/// Sinks with `transform:` delivering to the loopback stand-in for the destinations
/// (`Tests/Support/target_receiver.py`), which refuses any request its schemas or rules refuse.
@Suite(.serialized) struct TransformDeliveryTests {
    static func errors(_ received: [JSONValue]) -> [JSONValue] {
        received.flatMap { $0["errors"]?.arrayValue ?? [] }
    }

    /// BIZTEL (着信, 応答, 切断 with agent 201) and a Udesk call trigger: one MiiTel call history
    /// each, with the right event type and user ids and the audio uploaded; one HubSpot call each,
    /// created and then updated.
    @Test(arguments: StoreKind.available) func callsBecomeOneRecordEachAtBothDestinations(_ kind: StoreKind)
        async throws
    {
        let t = try await TransformHarness.make(
            sinks: { TransformHarness.miitelSink($0) + "\n" + TransformHarness.hubspotSink($0) }, store: kind)
        defer { t.receiver.stop() }
        try await t.biztelCall("1716960000.1001")
        try await t.udeskCall()
        let done = try await t.harness.deliver {
            try await t.harness.eventually {
                let all = await t.harness.rows()
                return all.count == 6 && all.allSatisfy { $0.status != .pending }
            }
        }
        #expect(done)
        let dead = await t.harness.rows(.dead)
        #expect(dead.isEmpty, "\(dead.map(\.lastError))")
        let miitel = try await t.received("/miitel/webhook")
        #expect(Self.errors(miitel).isEmpty, "\(Self.errors(miitel))")
        #expect(miitel.count == 2)
        let histories = miitel.compactMap { $0["body"]?["call_data"]?.arrayValue?.first }
        let byType = Dictionary(
            histories.map { ($0["event_type"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let incoming = try #require(byType["INCOMING_CALL"])  // BIZTEL
        #expect(incoming["participants"]?.arrayValue?.last?["miitel_user_id"] == "u-201")
        #expect(incoming["audio_file_type"] == "WAV")
        #expect(incoming["call_answered_at"] != .null)
        let outgoing = try #require(byType["OUTGOING_CALL"])  // Udesk's callback, placed by the agent
        #expect(outgoing["participants"]?.arrayValue?.first?["miitel_user_id"] == "u-udesk")
        #expect(outgoing["audio_file_type"] == "MP3")
        // The audio, fetched with the source's credentials and uploaded byte for byte.
        let report = try await t.receiver.get("/_received")
        let uploads = report["uploads"]?.arrayValue ?? []
        #expect(uploads.count == 2)
        #expect(uploads.allSatisfy { $0["sha256"] == report["recording_sha256"] && $0["status"] == .int(200) })
        #expect(Set(uploads.compactMap { $0["content_type"]?.stringValue }) == ["audio/wav", "audio/mpeg"])

        let hubspot = try await t.received("/crm/v3/objects/calls")
        #expect(Self.errors(hubspot).isEmpty, "\(Self.errors(hubspot))")
        #expect(hubspot.filter { $0["method"] == "POST" }.count == 2)
        let patches = hubspot.filter { $0["method"] == "PATCH" }
        #expect(patches.count == 2)  // BIZTEL's 応答 and 切断 update the call its 着信 created
        #expect(Set(patches.compactMap { $0["path"]?.stringValue }).count == 1)
        #expect(patches.last?["body"]?["properties"]?["hs_call_status"] == "COMPLETED")
        #expect(report["duplicates"] == [:])
    }

    /// A required user id the table cannot give: dead at the first attempt, naming the agent and
    /// the rule; nothing partial reaches MiiTel.
    @Test func aMissingUserIdIsDeadAtOnceWithTheReason() async throws {
        let t = try await TransformHarness.make(sinks: {
            TransformHarness.miitelSink($0).replacingOccurrences(of: "\"agent@email.cn\": u-udesk", with: "x: y")
        })
        defer { t.receiver.stop() }
        try await t.udeskCall()
        let done = try await t.harness.deliver {
            try await t.harness.eventually { !(await t.harness.rows(.dead)).isEmpty }
        }
        #expect(done)
        let dead = try #require(await t.harness.rows(.dead).first)
        #expect(dead.attempts == 1)
        #expect(
            dead.lastError?.contains(
                "no miitel_user_id for agent 73937: OUTGOING_CALL requires the FROM user") == true,
            "\(dead.lastError ?? "")")
        #expect(try await t.received("/miitel/").isEmpty)
        #expect(try await t.received("/recordings/").isEmpty)
    }

    /// While the destination is slow, a call's events go one at a time and in order (never two
    /// creates), and other calls go on meanwhile.
    @Test func orderPerCallHoldsWhileTheReceiverIsSlow() async throws {
        let t = try await TransformHarness.make(
            sinks: { TransformHarness.hubspotSink($0) }, plan: ["delay_seconds": ["/crm/": 0.4]])
        defer { t.receiver.stop() }
        let calls = ["09011110000", "09022220000"]
        for (i, tel) in calls.enumerated() {
            let id = "1716960000.200\(i)"
            try await t.biztel(query: "event=%E7%9D%80%E4%BF%A1&id=\(id)&tel=\(tel)&did=0312345678")
            try await t.biztel(json: ["event": "応答", "id": .string(id), "tel": .string(tel), "agent": "201"])
            try await t.biztel(query: "event=%E5%88%87%E6%96%AD&id=\(id)&agent=201")
        }
        let done = try await t.harness.deliver {
            try await t.harness.eventually { (await t.harness.rows(.delivered)).count == 6 }
        }
        #expect(done)
        let received = try await t.received("/crm/")
        #expect(Self.errors(received).isEmpty, "\(Self.errors(received))")
        var firstPatch: [Double] = []
        var creates: [Double] = []
        for tel in calls {
            let mine = received.filter {
                $0["body"]?["properties"]?["hs_call_from_number"]?.stringValue == "+81" + tel.dropFirst()
            }
            #expect(mine.map { $0["method"]?.stringValue } == ["POST", "PATCH", "PATCH"])
            #expect(Set(mine.dropFirst().compactMap { $0["path"]?.stringValue }).count == 1)
            #expect(mine.dropFirst().last?["body"]?["properties"]?["hs_call_status"] == "COMPLETED")
            let times = mine.compactMap { $0["time"]?.numberValue }
            // Each request was sent only after the previous one of its call was answered.
            for (a, b) in zip(times, times.dropFirst()) { #expect(b - a >= 0.38) }
            creates.append(times.first ?? 0)
            firstPatch.append(times.dropFirst().first ?? 0)
        }
        // The two calls went in parallel: both creates before either call's first update.
        #expect(creates.max()! < firstPatch.min()!)
    }

    /// A 403 to the upload three hours on: dead, saying the upload URL expired; the create itself
    /// is kept (and not sent again).
    @Test func anUploadRefusedAfterItsTimeIsDeadWithThatExplanation() async throws {
        let t = try await TransformHarness.make(
            sinks: { TransformHarness.miitelSink($0, extra: ", valid_for: 0s") }, plan: ["upload_status": 403])
        defer { t.receiver.stop() }
        try await t.biztelCall("1716960000.3001")
        let done = try await t.harness.deliver {
            try await t.harness.eventually { !(await t.harness.rows(.dead)).isEmpty }
        }
        #expect(done)
        let dead = try #require(await t.harness.rows(.dead).first)
        #expect(dead.lastError?.contains("the upload URL expired") == true, "\(dead.lastError ?? "")")
        let attempts = try await t.harness.store.attempts(delivery: dead.id)
        #expect(attempts.map(\.statusCode) == [200, 403])
        #expect(attempts.first?.error?.contains("the recording upload follows") == true)
        #expect(try await t.received("/miitel/webhook").count == 1)
    }

    /// A create waits for the recording: the 応答 event is routed too, but the history is created
    /// only once 切断 brought the recording, with its audio; 切断's own row is then skipped.
    @Test func aCreateWaitsForTheEventThatBringsTheRecording() async throws {
        let t = try await TransformHarness.make(sinks: {
            TransformHarness.miitelSink($0).replacingOccurrences(
                of: "events: [call.ended, call.completed]", with: "events: [call.answered, call.ended]")
        })
        defer { t.receiver.stop() }
        let id = "1716960000.4001"
        try await t.biztel(query: "event=%E7%9D%80%E4%BF%A1&id=\(id)&tel=09012345678&did=0312345678")
        try await t.biztel(json: ["event": "応答", "id": .string(id), "tel": "09012345678", "agent": "201"])
        let (waited, nothingSent, done) = try await t.harness.deliver { () async throws -> (Bool, Bool, Bool) in
            let waited = try await t.harness.eventually {
                (await t.harness.rows(.pending)).first?.lastError?.contains("waiting for the call's recording") == true
            }
            let nothingSent = try await t.received("/miitel/").isEmpty
            try await t.biztel(query: "event=%E5%88%87%E6%96%AD&id=\(id)&agent=201")
            let done = try await t.harness.eventually(30) { (await t.harness.rows(.delivered)).count == 2 }
            return (waited, nothingSent, done)
        }
        #expect(waited)
        #expect(nothingSent)
        #expect(done)
        let created = try await t.received("/miitel/webhook")
        #expect(created.count == 1)
        #expect(Self.errors(created).isEmpty, "\(Self.errors(created))")
        #expect(created.first?["body"]?["call_data"]?.arrayValue?.first?["audio_file_type"] == "WAV")
        #expect(try await t.receiver.get("/_received")["uploads"]?.arrayValue?.count == 1)
        let skipped = await t.harness.rows(.delivered).compactMap(\.lastError)
        #expect(skipped.contains { $0.hasPrefix("not sent: the call was already sent") }, "\(skipped)")
    }

    /// Without a recording in time the call history is still created, after `recording.wait`,
    /// and nothing is uploaded.
    @Test func withoutARecordingTheCreateGoesAfterTheWait() async throws {
        let t = try await TransformHarness.make(sinks: {
            TransformHarness.miitelSink($0).replacingOccurrences(of: "wait: 30s", with: "wait: 1s")
        })
        defer { t.receiver.stop() }
        let started = ContinuousClock.now
        try await t.udeskCall(recording: false)
        let done = try await t.harness.deliver {
            try await t.harness.eventually { (await t.harness.rows(.delivered)).count == 1 }
        }
        #expect(done)
        #expect(ContinuousClock.now - started >= .seconds(1))
        let created = try await t.received("/miitel/webhook")
        #expect(created.count == 1)
        #expect(Self.errors(created).isEmpty, "\(Self.errors(created))")
        #expect(try await t.receiver.get("/_received")["uploads"]?.arrayValue?.isEmpty == true)
        let row = try #require(await t.harness.rows(.delivered).first)
        #expect(try await t.harness.store.attempts(delivery: row.id).map(\.statusCode) == [200])
    }

    /// A recording over `recording.max_bytes` is dead with that reason, whether its size is known
    /// up front (Content-Length) or only found while streaming it (chunked).
    @Test(arguments: [false, true]) func aRecordingOverTheLimitIsDead(_ chunked: Bool) async throws {
        let t = try await TransformHarness.make(
            sinks: { TransformHarness.miitelSink($0, extra: ", max_bytes: 100000") },
            plan: ["recording_bytes": 300_000, "recording_chunked": .bool(chunked)])
        defer { t.receiver.stop() }
        try await t.biztelCall("1716960000.6001")
        let done = try await t.harness.deliver {
            try await t.harness.eventually { !(await t.harness.rows(.dead)).isEmpty }
        }
        #expect(done)
        let dead = try #require(await t.harness.rows(.dead).first)
        #expect(dead.lastError?.contains("larger than recording.max_bytes (100000)") == true, "\(dead.lastError ?? "")")
        // Nothing complete was uploaded.
        let uploads = try await t.receiver.get("/_received")["uploads"]?.arrayValue ?? []
        #expect(uploads.allSatisfy { $0["status"] != .int(200) || ($0["bytes"]?.numberValue ?? 0) < 300_000 })
    }

    /// Salesforce, Zendesk, Pipedrive and Slack: every request the stand-in receives passes the
    /// destination's published schema or documented required fields; updates go to the object
    /// the create made.
    @Test func crmAndChatTargetsPassTheirSchemas() async throws {
        let t = try await TransformHarness.make(sinks: { base in
            """
              - id: salesforce
                type: http
                url: \(base)/services/data/v60.0/sobjects/Task
                transform: salesforce_tasks
                auth: { bearer: sf-token }
                tables: { salesforce_users: { "201": 005000000000001AAA } }
              - id: zendesk
                type: http
                url: \(base)/api/v2/calls
                transform: zendesk_talk_calls
                auth: { basic: { username: agent@example.com/token, password: zd-token } }
                tables: { zendesk_settings: { app_id: "4242" }, zendesk_agents: { "201": "77" } }
              - id: pipedrive
                type: http
                url: \(base)/v1/callLogs
                transform: pipedrive_call_logs
                events: [call.ended, call.completed]
                headers: { x-api-token: pd-token }
                tables: { pipedrive_users: { "agent@email.cn": "12" } }
              - id: slack
                type: http
                url: \(base)/slack/webhook
                transform: slack_message
                events: [call.ended, call.completed]
            """
        })
        defer { t.receiver.stop() }
        try await t.biztelCall("1716960000.8001")
        try await t.udeskCall()
        // BIZTEL: 3 events to Salesforce and Zendesk, 1 to Pipedrive and Slack; Udesk: 1 to each.
        let done = try await t.harness.deliver {
            try await t.harness.eventually {
                let all = await t.harness.rows()
                return all.count == 12 && all.allSatisfy { $0.status != .pending }
            }
        }
        #expect(done)
        let dead = await t.harness.rows(.dead)
        #expect(dead.isEmpty, "\(dead.map { "\($0.sink): \($0.lastError ?? "")" })")
        let received = try await t.received("/")
        let relevant = received.filter { $0["path"]?.stringValue?.hasPrefix("/recordings/") == false }
        #expect(Self.errors(relevant).isEmpty, "\(Self.errors(relevant))")
        func requests(_ prefix: String, _ method: String) -> [JSONValue] {
            relevant.filter {
                $0["path"]?.stringValue?.hasPrefix(prefix) == true && $0["method"]?.stringValue == method
            }
        }
        #expect(requests("/services/data/v60.0/sobjects/Task", "POST").count == 2)
        let salesforceUpdates = requests("/services/data/v60.0/sobjects/Task/", "PATCH")
        #expect(salesforceUpdates.count == 2)
        #expect(Set(salesforceUpdates.compactMap { $0["path"]?.stringValue }).count == 1)
        #expect(requests("/api/v2/calls", "POST").count == 2)
        #expect(requests("/api/v2/calls/", "PATCH").count == 2)
        #expect(requests("/v1/callLogs", "POST").count == 2)
        let slack = requests("/slack/webhook", "POST")
        #expect(slack.count == 2)
        #expect(slack.allSatisfy { $0["status"] == .int(200) })
    }

    /// A create answered 503 is tried again and makes one object; the call's updates go to it.
    /// A failed upload is retried as its own step, each try recorded as an attempt.
    @Test func retriedCreatesAndUploadsMakeOneRecord() async throws {
        let t = try await TransformHarness.make(
            sinks: {
                TransformHarness.miitelSink($0) + "\n    retry: { schedule: [200ms, 200ms] }\n"
                    + TransformHarness.hubspotSink($0) + "\n    retry: { schedule: [200ms, 200ms] }"
            },
            plan: ["responses": ["/crm/v3/objects/calls": [503], "/miitel/upload/": [503]]])
        defer { t.receiver.stop() }
        try await t.biztelCall("1716960000.9001")
        let done = try await t.harness.deliver {
            try await t.harness.eventually { (await t.harness.rows(.delivered)).count == 4 }
        }
        #expect(done)
        let report = try await t.receiver.get("/_received")
        #expect(report["objects"]?["hubspot"]?.objectValue?.count == 1)
        let hubspot = try await t.received("/crm/")
        #expect(hubspot.map { $0["status"] } == [503, 201, 200, 200])
        #expect(Set(hubspot.dropFirst(2).compactMap { $0["path"]?.stringValue }).count == 1)
        let miitel = try #require(await t.harness.rows(.delivered, sink: "miitel-analytics").first)
        // The create, the refused upload, the upload: three attempts of one row.
        let attempts = try await t.harness.store.attempts(delivery: miitel.id)
        #expect(attempts.map(\.statusCode) == [200, 503, 200])
        #expect(report["uploads"]?.arrayValue?.last?["status"] == .int(200))
        #expect(report["uploads"]?.arrayValue?.last?["sha256"] == report["recording_sha256"])
    }
}
