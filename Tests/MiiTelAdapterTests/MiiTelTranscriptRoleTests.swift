import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Testing

/// A transcript segment carries its speaker's participant role, whoever speaks.
@Suite struct MiiTelTranscriptRoleTests {
    @Test func bothUsersOfAnExtensionCallSpeakAsAgents() throws {
        let event = try #require(try Golden.events("miitel", "extension-call-transcript").first)
        #expect(event.call.direction == .internal)
        #expect(event.call.participants.map(\.role) == [.agent, .agent], "two users: 佐藤 (202) and 伊藤 (310)")
        let segments = try #require(event.call.transcript?.segments)
        #expect(segments.count == 6)
        let speakers = Set(segments.compactMap(\.participantId))
        #expect(speakers == Set(event.call.participants.compactMap(\.id)), "both users speak")
        #expect(segments.allSatisfy { $0.role == .agent })
    }

    /// The rule on every MiiTel fixture: a segment's role is the role of the participant it names.
    @Test(arguments: Golden.fixtures("miitel"))
    func everySegmentHasItsSpeakersRole(_ fixture: Fixture) throws {
        guard let events = try? Golden.events("miitel", fixture.name) else { return }  // challenges
        for event in events {
            let roles = Dictionary(
                event.call.participants.compactMap { p in p.id.map { ($0, p.role) } }, uniquingKeysWith: { a, _ in a })
            for segment in event.call.transcript?.segments ?? [] {
                let id = try #require(segment.participantId)
                #expect(segment.role == roles[id], "\(fixture.name): segment of \(id) at \(segment.start ?? -1)")
            }
        }
    }

    /// A speaker who is not among the participants is the far side: a customer, or `other` inside.
    @Test func aSpeakerMissingFromParticipantsIsTheFarSide() throws {
        let sample = try Golden.json("miitel", "extension-call-transcript")
        guard case .object(var call) = sample["call"], case .array(var details) = call["details"],
            case .object(var detail) = details[0], case .array(var phrases) = detail["phrases"],
            case .object(var speaker) = phrases[1]
        else { throw MessageError("unexpected fixture shape") }
        speaker["participant_id"] = "018fe63b-7f55-0000-0000-000000000000"
        phrases[1] = .object(speaker)
        detail["phrases"] = .array(phrases)
        details[0] = .object(detail)
        call["details"] = .array(details)
        let payload = sample.setting("call", .object(call))
        let event = try #require(try Golden.events(Golden.jsonRequest(payload), source: "miitel").first)
        let roles = event.call.transcript?.segments.map(\.role) ?? []
        #expect(roles.filter { $0 == .agent }.count == 3)
        #expect(roles.filter { $0 == .other }.count == 3)
    }
}
