import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Foundation
import MiiTelAdapter
import Testing

/// The MiiTel rules of Docs/vendors/miitel.md, asserted on the shipped mapping.
@Suite struct MiiTelTranslationTests {
    /// Every call_type → (direction, leg kind) of Docs/vendors/miitel.md, written independently of
    /// the mapping.
    static let callTypes: [String: (CallDirection, String)] = [
        "OUTGOING_CALL": (.outbound, "normal"), "OUTGOING_TRANSFER": (.outbound, "transfer"),
        "PREDICTIVE_DIAL": (.outbound, "predictive"), "INCOMING_CALL": (.inbound, "normal"),
        "INCOMING_CALL_USER": (.inbound, "normal"), "QUEUEING_CALL": (.inbound, "queue"),
        "AUTOMATIC_TRANSFER": (.inbound, "forward"), "AUTOMATIC_RECORD": (.inbound, "voicemail"),
        "READ_DTMF": (.inbound, "ivr"), "EXTENSION": (.internal, "normal"), "EXTENSION_GROUP": (.internal, "normal"),
        "EXTENSION_TRANSFER": (.internal, "transfer"), "EXTENSION_GROUP_TRANSFER": (.internal, "transfer"),
    ]

    @Test func allThirteenCallTypesMapToDirectionAndLegKind() throws {
        var seen: Set<String> = []
        for fixture in Golden.fixtures("miitel") {
            guard case .events(let events) = try Golden.process(try fixture.request(), source: "miitel") else {
                continue
            }
            for event in events {
                let callType = try #require(event.vendorEvent)
                let expected = try #require(Self.callTypes[callType], "unexpected call_type \(callType)")
                #expect(event.call.direction == expected.0, "\(fixture.name) \(callType)")
                #expect(event.call.legKind.rawValue == expected.1, "\(fixture.name) \(callType)")
                seen.insert(callType)
            }
        }
        #expect(seen == Set(Self.callTypes.keys), "fixtures miss \(Set(Self.callTypes.keys).subtracting(seen))")
    }

    @Test func outboundCallerIsTheCircuitBecauseFromNumberIsNull() throws {
        let event = try #require(try Golden.events("miitel", "speech-recognition-ja").first)
        #expect(event.call.direction == .outbound)
        #expect(event.call.from?.raw == "050-0000-0000")
        #expect(event.call.from?.e164 == "+815000000000")
        #expect(event.call.to?.raw == "050-9999-9999")
        #expect(event.call.customer?.phone?.raw == "050-9999-9999")
    }

    @Test func nullStringsBecomeNull() throws {
        let payload = try Golden.json("miitel", "null-strings")
        let event = try #require(try Golden.events("miitel", "null-strings").first)
        // The fixture really carries the string "null" in these fields.
        let detail = try #require(payload["call"]?["details"]?.arrayValue?.first)
        #expect(detail["previous_id"] == .string("null"))
        #expect(event.call.previousLegId == nil)
        #expect(event.call.participants.allSatisfy { $0.company != "null" && $0.name != "null" })
        #expect(event.call.agent?.email != "null")
        let json = JSONWriter.compact.string(event.json)
        #expect(!json.contains("\"null\""))
    }

    @Test func transcriptMergesAllSpeakersSortedByStart() throws {
        let payload = try Golden.json("miitel", "speech-recognition-ja")
        let event = try #require(try Golden.events("miitel", "speech-recognition-ja").first)
        let phrases = payload["call"]?["details"]?.arrayValue?.first?["phrases"]?.arrayValue ?? []
        let rawCount = phrases.reduce(0) { $0 + ($1["raw"]?.arrayValue?.count ?? 0) }
        let segments = try #require(event.call.transcript?.segments)
        #expect(rawCount == 7)
        #expect(segments.count == rawCount)
        #expect(Set(segments.compactMap(\.participantId)).count == 2)
        let starts = segments.compactMap(\.start)
        #expect(starts == starts.sorted())
        #expect(segments.first?.text == "はい。結構ですー。")
    }

    @Test func answerTimesDecideTheOutcome() throws {
        let answered = try #require(try Golden.events("miitel", "speech-recognition-ja").first)
        #expect(answered.type == .completed)
        #expect(answered.call.outcome == .answered)
        #expect(answered.call.durations.talk == 23)
        let missed = try #require(try Golden.events("miitel", "missed-incoming").first)
        #expect(missed.call.outcome == .noAnswer)
        #expect(missed.call.answeredAt == nil)
        #expect(missed.call.outcomeReason?.rawValue == "agent_no_answer")
        let notReached = try #require(try Golden.events("miitel", "outbound-no-answer").first)
        #expect(notReached.call.outcome == .noAnswer)
        #expect(notReached.call.outcomeReason?.rawValue == "customer_no_answer")
        let queue = try #require(try Golden.events("miitel", "queue-answered").first)
        #expect(queue.call.answeredAt != nil, "queueing_answered_at counts as answered")
        #expect(queue.call.outcome == .answered)
    }

    @Test func classificationOfMinutesIVRAndVoicemail() throws {
        let minutes = try #require(try Golden.events("miitel", "minutes").first)
        #expect(minutes.type == .summaryAvailable)
        #expect(minutes.call.summary?.hasPrefix("【議題】") == true)
        let ivr = try #require(try Golden.events("miitel", "ivr-input").first)
        #expect(ivr.type == .ivrInput)
        #expect(ivr.call.dtmf != nil)
        let voicemail = try #require(try Golden.events("miitel", "voicemail").first)
        #expect(voicemail.type == .voicemail)
        #expect(voicemail.call.outcome == .voicemail)
    }

    @Test func agentIsTheParticipantWithALoginId() throws {
        let event = try #require(try Golden.events("miitel", "minutes").first)
        #expect(event.call.agent?.email == "taro.suzuki@revcomm.co.jp")
        #expect(event.call.agent?.name == "鈴木 太郎")
        let agents = event.call.participants.filter { $0.role == .agent }
        #expect(agents.count == 1)
        #expect(event.call.customer?.company == "レブコム商事")
    }

    @Test func transferChainKeepsLegsAndPreviousIds() throws {
        let events = try Golden.events("miitel", "transfer-chain")
        #expect(events.count == 3)
        #expect(Set(events.map(\.call.callKey)).count == 1)
        #expect(Set(events.map(\.id)).count == 3)
        #expect(events[0].call.previousLegId == nil)
        #expect(events[1].call.previousLegId == events[0].call.legId)
        #expect(events[2].call.previousLegId == events[1].call.legId)
    }

    @Test func challengeIsAnsweredWithTheTokenAsPlainText() throws {
        for name in ["challenge", "challenge-with-additional-payload"] {
            let payload = try Golden.json("miitel", name)
            let token = try #require(payload["challenge"]?.stringValue)
            guard case .handshake(let response) = try Golden.process(Golden.jsonRequest(payload), source: "miitel")
            else {
                Issue.record("\(name) was not treated as a challenge")
                continue
            }
            #expect(response.status == 200)
            #expect(response.contentType.hasPrefix("text/plain"))
            #expect(response.body == Array(token.utf8))
        }
        #expect(throws: GatewayError.malformedBody("'challenge' must be a hex token of at most 256 characters")) {
            _ = try Golden.process(Golden.jsonRequest(["challenge": "<script>alert(1)</script>"]), source: "miitel")
        }
    }

    @Test func publishedMinutesSampleIsRejectedWithLineAndColumn() throws {
        let fixture = try #require(
            Golden.fixtures("miitel", invalid: true).first { $0.name == "invalid/minutes-as-published" })
        #expect(throws: GatewayError.self) { _ = try Golden.process(try fixture.request(), source: "miitel") }
        do {
            _ = try Golden.process(try fixture.request(), source: "miitel")
        } catch let error as GatewayError {
            #expect(error.code == "malformed_body")
            #expect(error.message.contains("line 2, column 1"))
        }
    }

    @Test func speakerSwapResendIsANewVersionOfTheSameLeg() throws {
        let original = try #require(try Golden.events("miitel", "speech-recognition-ja").first)
        let swapped = try #require(try Golden.events("miitel", "speaker-swap").first)
        #expect(original.call.legId == swapped.call.legId)
        #expect(original.type == swapped.type)
        #expect(original.call.callKey == swapped.call.callKey)
        #expect(original.id != swapped.id, "changed content must get a new event id")
        let resent = try #require(
            try Golden.events(
                "miitel", "speech-recognition-ja", receivedAt: Timestamp(rfc3339: "2026-02-02T10:00:00Z")!
            ).first)
        #expect(resent.id == original.id, "an identical re-send maps to the same id, whenever it arrives")
    }

    @Test func additionalPayloadKeysBecomeCustom() throws {
        let event = try #require(try Golden.events("miitel", "additional-payload").first)
        #expect(event.call.custom["crm_org"] == .string("acme"))
        #expect(event.call.custom["call"] == nil)
        #expect(event.call.custom["params_key"] == nil)
        #expect(event.call.vendorMeta["params_key"] != nil)
    }

    @Test func withheldCallerHasNoE164() throws {
        let event = try #require(try Golden.events("miitel", "withheld-incoming").first)
        #expect(event.call.from?.raw == "非通知")
        #expect(event.call.from?.e164 == nil)
        #expect(event.call.from?.presentation == .restricted)
    }
}

@Suite struct MiiTelCallerIdTests {
    @Test func dialledWithTheWithholdPrefixKeepsTheDialledNumber() throws {
        let event = try #require(try Golden.events("miitel", "outbound-caller-id-withheld").first)
        #expect(event.call.to?.raw == "184-03-6271-4455")
        #expect(event.call.to?.e164 == "+81362714455")
        #expect(event.call.to?.presentation == .restricted)
    }
}
