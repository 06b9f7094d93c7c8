import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Foundation
import Testing
import UdeskAdapter

/// The Udesk rules of Docs/vendors/udesk.md, asserted on the shipped mapping.
@Suite struct UdeskTranslationTests {
    struct Result: Sendable, CustomTestStringConvertible {
        var spellings: [String]
        var outcome: String
        var reason: String?
        var testDescription: String { spellings[0] }
    }

    /// The 12 call_result values (Chinese as on mainland tenants, Japanese as in the seed, English)
    /// and the outcome Docs/vendors/udesk.md gives for each.
    static let results: [Result] = [
        Result(spellings: ["客户未接", "顧客未応答", "Customer no answer"], outcome: "no_answer", reason: "customer_no_answer"),
        Result(spellings: ["客户接听", "顧客応答", "Customer answered"], outcome: "answered", reason: nil),
        Result(spellings: ["话机占线", "話中", "Busy"], outcome: "busy", reason: nil),
        Result(spellings: ["话机离线", "電話オフライン", "Phone offline"], outcome: "failed", reason: "endpoint_offline"),
        Result(spellings: ["客服未接", "オペレーター未応答", "Agent no answer"], outcome: "no_answer", reason: "agent_no_answer"),
        Result(spellings: ["客服拒接", "オペレーター拒否", "Agent rejected"], outcome: "rejected", reason: "agent_rejected"),
        Result(spellings: ["客服接听", "オペレーター応答", "Agent answered"], outcome: "answered", reason: nil),
        Result(spellings: ["客户速挂", "顧客即時切断", "Customer quick hang-up"], outcome: "abandoned", reason: "quick_hangup"),
        Result(spellings: ["客户挂机", "顧客切断", "Customer hung up"], outcome: "canceled", reason: "customer_hangup"),
        Result(spellings: ["排队超时", "待機タイムアウト", "Queue timeout"], outcome: "no_answer", reason: "queue_timeout"),
        Result(spellings: ["放弃排队", "待機放棄", "Queue abandoned"], outcome: "abandoned", reason: "queue_abandoned"),
        Result(spellings: ["未选择队列", "キュー未選択", "No queue selected"], outcome: "abandoned", reason: "no_queue_selected"),
    ]

    @Test(arguments: results)
    func callResultInEveryLanguage(_ result: Result) throws {
        let sample = try Golden.json("udesk", "call-trigger-ja")
        for spelling in result.spellings {
            let payload = sample.setting("call_result", .string(spelling))
            let event = try #require(try Golden.events(Golden.jsonRequest(payload), source: "udesk").first)
            #expect(event.call.outcome?.rawValue == result.outcome, "\(spelling)")
            #expect(event.call.outcomeReason?.rawValue == result.reason, "\(spelling)")
            #expect(event.vendorEvent == spelling, "the raw value is kept")
        }
    }

    @Test func unknownCallResultIsAnErrorNotADefault() throws {
        let payload = try Golden.json("udesk", "call-trigger-ja").setting("call_result", "something new")
        #expect(throws: GatewayError.self) { _ = try Golden.events(Golden.jsonRequest(payload), source: "udesk") }
    }

    @Test func leaveMessageMeansVoicemailWhetherBooleanOrString() throws {
        let sample = try Golden.json("udesk", "call-trigger-ja")
        for value: JSONValue in [true, "true"] {
            let event = try #require(
                try Golden.events(Golden.jsonRequest(sample.setting("is_leave_message", value)), source: "udesk").first)
            #expect(event.call.outcome == .voicemail)
        }
        let notLeft = try #require(try Golden.events("udesk", "call-trigger-ja").first)
        #expect(sample["is_leave_message"] == .string("false"))
        #expect(notLeft.call.outcome == .answered)
    }

    @Test func beijingTimesBecomeUTC() throws {
        let event = try #require(try Golden.events("udesk", "call-trigger-ja").first)
        // "2018-03-22 11:48:23 +0800"
        #expect(event.time.description == "2018-03-22T03:48:23Z")
        #expect(event.timeSource == .payload)
        #expect(event.call.endedAt?.description == "2018-03-22T03:48:23Z")
        #expect(event.call.answeredAt?.description == "2018-03-22T03:48:17Z")
        #expect(event.call.durations.talk == 6, "matches the payload's total_time")
    }

    @Test func workflowAndCategoryGiveDirectionAndLegKind() throws {
        let sample = try Golden.json("udesk", "call-trigger-ja")
        let cases: [(String, String, CallDirection, String)] = [
            ("in", "normal", .inbound, "normal"), ("out_callback", "normal", .outbound, "callback"),
            ("out_direct", "normal", .outbound, "normal"), ("out_auto", "normal", .outbound, "predictive"),
            ("in", "transfer", .inbound, "transfer"), ("in", "consult_outline", .inbound, "consult"),
            ("out_direct", "three_party", .outbound, "conference"), ("in", "listening", .inbound, "monitor"),
            ("in", "barge_in", .inbound, "barge"), ("in", "substitute", .inbound, "takeover"),
        ]
        for (workflow, category, direction, legKind) in cases {
            let payload = sample.setting("workflow", .string(workflow)).setting("category", .string(category))
            let event = try #require(try Golden.events(Golden.jsonRequest(payload), source: "udesk").first)
            #expect(event.call.direction == direction, "\(workflow)/\(category)")
            #expect(event.call.legKind.rawValue == legKind, "\(workflow)/\(category)")
        }
    }

    @Test func inboundCallsPutTheCustomerFirst() throws {
        let event = try #require(try Golden.events("udesk", "inbound-answered").first)
        #expect(event.call.direction == .inbound)
        #expect(event.call.from?.e164 == event.call.customer?.phone?.e164)
        #expect(event.call.to?.e164 == event.call.line?.number?.e164)
    }

    @Test func recordingExpiryIsReadFromTheSignedURLEvenWithoutQuestionMark() throws {
        let event = try #require(try Golden.events("udesk", "call-trigger-ja").first)
        #expect(event.call.recording?.url.contains("mp3OSSAccessKeyId") == true)
        #expect(event.call.recording?.expiresAt == Timestamp(seconds: 1_552_455_986))
        let function = UdeskAdapter.recordExpiresAt
        let context = FunctionContext.forTesting
        #expect(try function.body(["https://x/a.mp3?Expires=60&Signature=s"], context) == "1970-01-01T00:01:00Z")
        #expect(try function.body(["https://x/a.mp3"], context) == .null)
        #expect(throws: MessageError.self) { try function.body(["https://x/a.mp3?Expires=soon"], context) }
    }

    @Test func extendBecomesCustomAndCallIdTheThread() throws {
        let event = try #require(try Golden.events("udesk", "call-trigger-ja").first)
        #expect(event.call.custom["code"] == "call test")
        #expect(event.call.threadKey == "d7d539d1-6023-4f63-b1c4-6a72262945ba")
        #expect(event.call.vendorCallId == "14583")
    }
}

extension FunctionContext {
    static var forTesting: FunctionContext {
        FunctionContext(
            source: SourceSettings(id: "udesk", adapter: "udesk", region: "CN"), receivedAt: Timestamp(seconds: 0))
    }
}

@Suite struct UdeskEdgeTests {
    @Test func aTimeWithoutItsOffsetIsReadInChinaTime() throws {
        let sample = try Golden.json("udesk", "call-trigger-ja")
        let payload = sample.setting("timestamp", "2018-03-22 11:48:23").setting(
            "agent_hangup_at", "2018-03-22 11:48:23")
        let event = try #require(try Golden.events(Golden.jsonRequest(payload), source: "udesk").first)
        #expect(event.time.description == "2018-03-22T03:48:23Z")
    }

    /// Every time of a push written without its offset is China time (+08:00), as Udesk users expect.
    @Test func offsetLessTimesOfAWholePushAreChinaTime() throws {
        let event = try #require(try Golden.events("udesk", "inbound-offset-less-times").first)
        // "2024-05-16 10:05:17", "10:01:20" (customer rang), "10:01:46" (agent answered)
        #expect(event.time.description == "2024-05-16T02:05:17Z")
        #expect(event.call.startedAt?.description == "2024-05-16T02:01:20Z")
        #expect(event.call.answeredAt?.description == "2024-05-16T02:01:46Z")
        #expect(event.call.endedAt?.description == "2024-05-16T02:05:17Z")
        // The same push with offsets gives the same times.
        let withOffsets = try #require(try Golden.events("udesk", "inbound-answered").first)
        #expect(event.call.durations == withOffsets.call.durations)
    }

    /// An explicit offset is respected, not replaced by China time, in both of Udesk's spellings.
    @Test(arguments: [
        ("2018-03-22 11:48:23 +0900", "2018-03-22T02:48:23Z"), ("2018-03-22 11:48:23 +09:00", "2018-03-22T02:48:23Z"),
        ("2018-03-22 11:48:23 +0000", "2018-03-22T11:48:23Z"), ("2018-03-22 11:48:23 -0500", "2018-03-22T16:48:23Z"),
        ("2018-03-22 11:48:23", "2018-03-22T03:48:23Z"),
    ])
    func anExplicitOffsetIsRespected(written: String, utc: String) throws {
        let payload = try Golden.json("udesk", "call-trigger-ja").setting("timestamp", .string(written))
        let event = try #require(try Golden.events(Golden.jsonRequest(payload), source: "udesk").first)
        #expect(event.time.description == utc)
    }

    @Test func thePayloadSecretNeverReachesCustom() throws {
        let sample = try Golden.json("udesk", "call-trigger-ja")
        let payload = sample.setting("extend", ["token": "s3cret", "crm": "x"])
        let event = try #require(try Golden.events(Golden.jsonRequest(payload), source: "udesk").first)
        #expect(event.call.custom["token"] == nil)
        #expect(event.call.custom["crm"] == "x")
        #expect(!String(decoding: event.jsonBytes(), as: UTF8.self).contains("s3cret"))
    }
}
