import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Foundation
import Testing

/// The generic PBX (`call_data`) rules of Docs/vendors/pbx.md, asserted on the shipped mapping.
@Suite struct PBXTranslationTests {
    @Test func batchGivesOneEventPerCall() throws {
        let payload = try Golden.json("pbx", "batch")
        let calls = try #require(payload["call_data"]?.arrayValue)
        let events = try Golden.events("pbx", "batch")
        #expect(events.count == calls.count)
        #expect(events.count >= 5)
        #expect(Set(events.map(\.call.callKey)).count == calls.count)
        #expect(events.map(\.call.vendorCallId) == calls.compactMap { $0["call_data_id"]?.stringValue })
    }

    @Test func eventTypesGiveDirectionKindAndOutcome() throws {
        let expected: [String: (CallDirection, String)] = [
            "outgoing-call": (.outbound, "normal"), "outgoing-transfer": (.outbound, "transfer"),
            "incoming-call-answered": (.inbound, "normal"), "incoming-call-missed": (.inbound, "normal"),
            "automatic-transfer": (.inbound, "forward"), "extension": (.internal, "normal"),
            "extension-transfer": (.internal, "transfer"), "automatic-record": (.inbound, "voicemail"),
        ]
        for (name, (direction, kind)) in expected {
            let event = try #require(try Golden.events("pbx", name).first, "\(name)")
            #expect(event.call.direction == direction, "\(name)")
            #expect(event.call.legKind.rawValue == kind, "\(name)")
        }
        #expect(try Golden.events("pbx", "incoming-call-missed").first?.call.outcome == .noAnswer)
        #expect(try Golden.events("pbx", "incoming-call-answered").first?.call.outcome == .answered)
        let voicemail = try #require(try Golden.events("pbx", "automatic-record").first)
        #expect(voicemail.type == .voicemail)
        #expect(voicemail.call.outcome == .voicemail)
    }

    @Test func participantsWithAMiiTelUserAreAgents() throws {
        let payload = try Golden.json("pbx", "incoming-call-answered")
        let participants = try #require(payload["call_data"]?.arrayValue?.first?["participants"]?.arrayValue)
        let event = try #require(try Golden.events("pbx", "incoming-call-answered").first)
        #expect(event.call.participants.count == participants.count)
        for (input, output) in zip(participants, event.call.participants) {
            let isUser = input["miitel_user_id"].map { !$0.isNull } ?? false
            #expect((output.role == .agent) == isUser)
            #expect(output.side?.rawValue == input["type"]?.stringValue?.lowercased())
        }
        #expect(event.call.agent?.id != nil)
    }

    @Test func offsetLessTimesUseTheSourceTimeZone() throws {
        let payload = try Golden.json("pbx", "extension")
        let start = try #require(payload["call_data"]?.arrayValue?.first?["call_starts_at"]?.stringValue)
        #expect(!start.hasSuffix("Z") && !start.contains("+"), "fixture carries an offset-less time")
        let event = try #require(try Golden.events("pbx", "extension").first)
        // callgate.yaml sets timezone: Asia/Tokyo (UTC+9) for the pbx source.
        let local = try TimeFormat.iso8601.parse(.string(start), zone: TimeZoneSpec("+09:00"))
        #expect(event.call.startedAt == local)
    }

    @Test func tagsAndQueueAreKept() throws {
        let events = try Golden.events("pbx", "batch")
        #expect(events.contains { !$0.call.tags.isEmpty })
        #expect(events.contains { $0.call.queue?.name != nil || $0.call.queue?.group != nil })
    }
}
