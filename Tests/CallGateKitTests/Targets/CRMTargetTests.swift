import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateTestSupport
import Testing

/// The bundled CRM and chat targets: what each writes from one answered inbound call, and how a
/// later event of the same call becomes an update (the requests are checked against the vendors'
/// schemas by `TransformDeliveryTests`, through `Tests/Support/target_receiver.py`).
@Suite struct CRMTargetTests {
    @Test func hubspotCreatesThenPatchesTheSameCall() throws {
        let mapping = try Targets.mapping("hubspot_calls")
        let event = try Targets.answeredInbound()
        let url = "https://api.hubapi.com/crm/v3/objects/calls"
        let create = try Targets.request(
            mapping, event, tables: ["hubspot_owners": ["zhang.wei@huaxin-cs.cn": "512"]], url: url)
        #expect(create.method == "POST")
        #expect(create.url == url)
        #expect(!create.isUpdate)
        #expect(create.body["associations"] == .array([]))
        let properties = try #require(create.body["properties"]?.objectValue)
        #expect(properties["hs_timestamp"] == "2024-05-14T02:01:20Z")
        #expect(properties["hs_call_direction"] == "INBOUND")
        #expect(properties["hs_call_status"] == "COMPLETED")
        #expect(properties["hs_call_duration"] == "237000")  // milliseconds, as text
        #expect(properties["hs_call_from_number"] == "+8613912345678")
        #expect(properties["hs_call_to_number"] == "+864008201234")
        #expect(properties["hs_call_title"] == "Inbound call from 赵丽")
        #expect(properties["hubspot_owner_id"] == "512")  // matched by email
        #expect(
            properties["hs_call_recording_url"]?.stringValue?.hasPrefix("https://ccrecords.alioss.udesk.cn/") == true)
        // Every value is a string; nulls are left out, not sent.
        #expect(properties.allSatisfy { if case .string = $0.1 { true } else { false } })

        let update = try Targets.request(mapping, event, destination: "9001", url: url)
        #expect(update.method == "PATCH")
        #expect(update.url == url + "/9001")
        #expect(update.isUpdate)
        #expect(update.body["associations"] == nil)
        var copy = event
        #expect(
            try mapping.destinationId(
                answer: Array(#"{"id":"9001","properties":{}}"#.utf8),
                input: TargetInput(event: copy.jsonBytes(), sink: "s", url: url, tables: [:])) == "9001")
        // HubSpot takes https recordings only: an http one is left out.
        var plain = event
        plain.call.recording?.url = "http://recordings.example/a.mp3"
        let properties2 = try Targets.request(mapping, plain).body["properties"]
        #expect(properties2?["hs_call_recording_url"] == nil)
    }

    @Test func hubspotStatusFollowsTheCall() throws {
        let mapping = try Targets.mapping("hubspot_calls")
        var event = try Targets.answeredInbound()
        func status() throws -> String? {
            try Targets.request(mapping, event).body["properties"]?["hs_call_status"]?.stringValue
        }
        event.call.outcome = .noAnswer
        #expect(try status() == "NO_ANSWER")
        event.call.outcome = CallOutcome(rawValue: "busy")
        #expect(try status() == "BUSY")
        event.call.status = .ringing
        event.call.outcome = nil
        #expect(try status() == "RINGING")
        event.call.status = .inProgress
        #expect(try status() == "IN_PROGRESS")
    }

    @Test func salesforceLogsATaskOfSubtypeCall() throws {
        let mapping = try Targets.mapping("salesforce_tasks")
        let event = try Targets.answeredInbound()
        let url = "https://example.my.salesforce.com/services/data/v60.0/sobjects/Task"
        let create = try Targets.request(
            mapping, event, tables: ["salesforce_users": ["73937": "005000000000001AAA"]], url: url)
        #expect(create.method == "POST")
        #expect(create.body["TaskSubtype"] == "Call")
        #expect(create.body["CallType"] == "Inbound")
        #expect(create.body["CallDurationInSeconds"] == .int(237))
        #expect(create.body["CallObject"] == "58201")
        #expect(create.body["CallDisposition"] == "answered")
        #expect(create.body["ActivityDate"] == "2024-05-14")
        #expect(create.body["Status"] == "Completed")
        #expect(create.body["OwnerId"] == "005000000000001AAA")
        // TaskSubtype is create-only: an update leaves it out.
        let update = try Targets.request(mapping, event, destination: "00T000000000001AAA", url: url)
        #expect(update.method == "PATCH")
        #expect(update.url == url + "/00T000000000001AAA")
        #expect(update.body["TaskSubtype"] == nil)
        #expect(update.body["CallType"] == "Inbound")
    }

    @Test func zendeskNeedsItsAppIdAndWritesACallRecord() throws {
        let mapping = try Targets.mapping("zendesk_talk_calls")
        let event = try Targets.answeredInbound()
        let missing = try #require(Targets.failure(mapping, event))
        #expect(missing.description.contains("set tables.zendesk_settings.app_id"))
        let create = try Targets.request(
            mapping, event, tables: ["zendesk_settings": ["app_id": "4242"], "zendesk_agents": ["73937": "77"]])
        let call = try #require(create.body["call"])
        #expect(call["app_id"] == .int(4242))
        #expect(call["direction"] == "inbound")
        #expect(call["from_line"] == "+8613912345678")
        #expect(call["to_line"] == "+864008201234")
        #expect(call["call_started_at"] == "2024-05-14T02:01:20Z")
        #expect(call["agent_id"] == .int(77))
        #expect(call["completion_status"] == "completed")
        var copy = event
        let input = TargetInput(
            event: copy.jsonBytes(), sink: "s", url: "", tables: ["zendesk_settings": ["app_id": "4242"]])
        #expect(try mapping.destinationId(answer: Array(#"{"call":{"id":31}}"#.utf8), input: input) == "31")
    }

    @Test func pipedriveLogsOneCallWithItsTimesInUTC() throws {
        let mapping = try Targets.mapping("pipedrive_call_logs")
        let event = try Targets.answeredInbound()
        let body = try Targets.request(mapping, event, tables: ["pipedrive_users": ["73937": "12"]]).body
        #expect(body["outcome"] == "connected")
        #expect(body["start_time"] == "2024-05-14 02:01:20")
        #expect(body["end_time"] == "2024-05-14 02:05:17")
        #expect(body["duration"] == "237")
        #expect(body["to_phone_number"] == "+864008201234")
        #expect(body["user_id"] == .int(12))
        guard case .skip = try Targets.plan(mapping, event, destination: "abc") else {
            Issue.record("a call log cannot be updated: later events are skipped")
            return
        }
        var ringing = event
        ringing.call.outcome = nil
        ringing.call.endedAt = nil
        #expect(try #require(Targets.failure(mapping, ringing)).description.contains("outcome"))
    }

    @Test func slackSaysWhoCalledWhomAndHowItEnded() throws {
        let mapping = try Targets.mapping("slack_message")
        let body = try Targets.request(mapping, try Targets.answeredInbound()).body
        #expect(body["text"]?.stringValue == "📞 Inbound call: +8613912345678 → +864008201234 (answered)")
        let blocks = try #require(body["blocks"]?.arrayValue)
        #expect(blocks.map { $0["type"]?.stringValue } == ["header", "section", "context"])
        let fields = try #require(blocks[1]["fields"]?.arrayValue).compactMap { $0["text"]?.stringValue }
        #expect(fields.contains("*Agent*\nzhang.wei@huaxin-cs.cn"))
        #expect(fields.contains("*Duration*\n237 s"))
        #expect(blocks[2]["elements"]?.arrayValue?.first?["text"]?.stringValue?.hasPrefix("<https://ccrecords") == true)
    }
}
