import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateTestSupport
import Testing

/// `transform: miitel_incoming`, held to the seed's "Incoming Webhook" page: the event type chosen
/// from the merged call, and `miitel_user_id` required exactly as its table says.
@Suite struct MiiTelIncomingTargetTests {
    let mapping: TargetMapping
    init() throws { mapping = try Targets.mapping("miitel_incoming") }

    func callData(_ event: CallEvent, users: JSONValue = ["73937": "u-agent"]) throws -> JSONValue {
        let request = try Targets.request(mapping, event, tables: ["miitel_users": users])
        return try #require(request.body["call_data"]?.arrayValue?.first)
    }

    static func event(
        _ direction: CallDirection, _ leg: LegKind = .normal, outcome: CallOutcome? = .answered, answered: Bool = true,
        group: String? = nil
    ) throws -> CallEvent {
        var event = try Targets.answeredInbound()
        event.call.direction = direction
        event.call.legKind = leg
        event.call.outcome = outcome
        if !answered { event.call.answeredAt = nil }
        if let group { event.call.queue = CallRecord.Queue(name: "support", group: group) }
        return event
    }

    @Test func theEventTypeFollowsTheMergedCall() throws {
        let cases: [(CallEvent, String)] = [
            (try Self.event(.inbound), "INCOMING_CALL"),
            (try Self.event(.inbound, LegKind(rawValue: "voicemail")), "AUTOMATIC_RECORD"),
            (try Self.event(.inbound, outcome: .voicemail), "AUTOMATIC_RECORD"),
            (try Self.event(.inbound, LegKind(rawValue: "forward")), "AUTOMATIC_TRANSFER"),
            (try Self.event(.outbound), "OUTGOING_CALL"),
            (try Self.event(.outbound, LegKind(rawValue: "transfer")), "OUTGOING_TRANSFER"),
            (try Self.event(.internal), "EXTENSION"),
            (try Self.event(.internal, LegKind(rawValue: "transfer")), "EXTENSION_TRANSFER"),
        ]
        for (event, expected) in cases {
            // Every user id the rules could ask for is in the table.
            let data = try callData(event, users: ["73937": "u-agent", "13912345678": "u-from", "4008201234": "u-to"])
            #expect(data["event_type"]?.stringValue == expected, "\(event.call.direction) \(event.call.legKind)")
        }
    }

    @Test func theCallDataCarriesTheSeedsFields() throws {
        let data = try callData(try Self.event(.inbound))
        #expect(data["call_data_id"]?.stringValue == (try Targets.answeredInbound()).call.callKey)
        #expect(data["audio_file_type"]?.stringValue == "MP3")  // from the recording URL's .mp3
        #expect(data["call_starts_at"]?.stringValue == "2024-05-14T02:01:20Z")
        #expect(data["call_answered_at"]?.stringValue == "2024-05-14T02:01:46Z")
        #expect(data["call_ends_at"]?.stringValue == "2024-05-14T02:05:17Z")
        #expect(data["audio_channel_type"]?.stringValue == "MONAURAL")
        #expect(data["circuit_number"]?.stringValue == "4008201234")
        let participants = try #require(data["participants"]?.arrayValue)
        #expect(participants.map { $0["type"]?.stringValue } == ["FROM", "TO"])
        #expect(participants.map { $0["stereo_lr"]?.stringValue } == ["left", "right"])
        #expect(participants[0]["number"]?.stringValue == "13912345678")
        #expect(participants[0]["name"]?.stringValue == "赵丽")
        #expect(participants[0]["miitel_user_id"] == .null)
        #expect(participants[1]["miitel_user_id"]?.stringValue == "u-agent")
        // Nullable keys are written as null, not left out.
        #expect(data["groupname"] == .null)
        // Settings from the sink's tables win over the defaults.
        let stereo = try Targets.request(
            mapping, try Self.event(.inbound),
            tables: ["miitel_users": ["73937": "u"], "miitel_settings": ["audio_channel_type": "STEREO"]])
        #expect(stereo.body["call_data"]?.arrayValue?.first?["audio_channel_type"]?.stringValue == "STEREO")
    }

    /// The seed's table, row by row: which participant's `miitel_user_id` is required.
    @Test func userIdsAreRequiredExactlyAsTheSeedsTableSays() throws {
        let noUsers: JSONValue = ["miitel_users": [:]]
        func fails(_ event: CallEvent, _ tables: JSONValue = ["miitel_users": [:]]) -> String? {
            Targets.failure(mapping, event, tables: tables)?.description
        }
        // OUTGOING_CALL, OUTGOING_TRANSFER: FROM required.
        for leg in [LegKind.normal, LegKind(rawValue: "transfer")] {
            let message = try #require(fails(try Self.event(.outbound, leg)))
            #expect(message.contains("requires the FROM user"))
            #expect(message.contains("agent 73937"))
            #expect(message.contains(leg == LegKind.normal ? "OUTGOING_CALL" : "OUTGOING_TRANSFER"))
        }
        // INCOMING_CALL: TO required when answered, not otherwise; FROM never.
        #expect(try #require(fails(try Self.event(.inbound))).contains("INCOMING_CALL requires the TO user"))
        #expect(fails(try Self.event(.inbound, outcome: .noAnswer, answered: false)) == nil)
        // AUTOMATIC_TRANSFER, AUTOMATIC_RECORD: never.
        #expect(fails(try Self.event(.inbound, LegKind(rawValue: "forward"))) == nil)
        #expect(fails(try Self.event(.inbound, LegKind(rawValue: "voicemail"))) == nil)
        // EXTENSION, EXTENSION_TRANSFER: FROM required; TO required without a group name, and with
        // one only when answered. The caller's extension is a user here, the callee's is not.
        let fromOnly: JSONValue = ["miitel_users": ["13912345678": "u-from"]]
        for leg in [LegKind.normal, LegKind(rawValue: "transfer")] {
            #expect(try #require(fails(try Self.event(.internal, leg), noUsers)).contains("requires the FROM user"))
            #expect(try #require(fails(try Self.event(.internal, leg), fromOnly)).contains("requires the TO user"))
            #expect(
                try #require(fails(try Self.event(.internal, leg, outcome: .noAnswer, answered: false), fromOnly))
                    .contains("requires the TO user"))
            #expect(
                fails(try Self.event(.internal, leg, outcome: .noAnswer, answered: false, group: "sales"), fromOnly)
                    == nil)
            #expect(try #require(fails(try Self.event(.internal, leg, group: "sales"), fromOnly)).contains("TO user"))
        }
    }

    /// `tables.miitel_users` keys are matched against the agent's id, then email, then extension.
    @Test func usersAreFoundByIdThenEmailThenExtension() throws {
        let event = try Self.event(.outbound)
        func fromUser(_ users: JSONValue) throws -> String? {
            try callData(event, users: users)["participants"]?.arrayValue?.first?["miitel_user_id"]?.stringValue
        }
        #expect(try fromUser(["73937": "by-id", "zhang.wei@huaxin-cs.cn": "by-email"]) == "by-id")
        #expect(try fromUser(["zhang.wei@huaxin-cs.cn": "by-email"]) == "by-email")
        var withExtension = event
        withExtension.call.agent = CallRecord.Agent(id: nil, name: "Sato", email: nil)
        withExtension.call.participants = [
            CallRecord.Participant(
                side: .from, role: .agent, name: "Sato",
                phone: PhoneNumber(
                    raw: "0312345678", e164: "+81312345678", region: "JP", valid: true, extension: "201",
                    presentation: .allowed))
        ]
        let data = try callData(withExtension, users: ["201": "by-extension"])
        #expect(data["participants"]?.arrayValue?.first?["miitel_user_id"]?.stringValue == "by-extension")
    }

    @Test func aCallThatHasNotEndedIsRefusedWithTheReason() throws {
        var event = try Self.event(.inbound)
        event.call.endedAt = nil
        let message = try #require(Targets.failure(mapping, event, tables: ["miitel_users": ["73937": "u"]]))
        #expect(message.description.contains("call_ends_at: the call has not ended"))
    }

    @Test func laterEventsOfACallAlreadySentAreSkipped() throws {
        let plan = try Targets.plan(
            mapping, try Self.event(.inbound), tables: ["miitel_users": ["73937": "u"]], destination: "call_x")
        guard case .skip(let reason) = plan else {
            Issue.record("expected a skip, got \(plan)")
            return
        }
        #expect(reason.contains("already sent"))
        #expect(mapping.oncePerCall)
        #expect(mapping.keepsOneRecordPerCall)
    }
}
