import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// What `call:` produces: field typing, runtime errors naming the output path, event identity.
@Suite struct MappingLanguageRecordTests {
    typealias ML = MappingLanguage

    @Test func emptyStringsAreNeverEmittedForStringFields() throws {
        let event = try ML.one(
            "summary: $.s\nagent: { id: $.a, name: $.n }\ntags: { list: \"$.t[*]\" }",
            #"{"s": "", "a": "", "n": "", "t": ["x", "", null, "y"]}"#)
        #expect(event.call.summary == nil)
        // An object whose members are all empty is absent as a whole.
        #expect(event.call.agent == nil)
        #expect(event.call.tags == ["x", "y"])
    }

    @Test func freeObjectsWrittenInTheMappingDropNullAndEmptyMembers() throws {
        let event = try ML.one(
            "vendor_meta: { a: $.a, b: $.b, c: $.c, d: $.d, e: $.e }", #"{"a": null, "b": "", "c": 0, "d": false}"#)
        #expect(event.call.vendorMeta.keys == ["c", "d"])
    }

    @Test func aFreeObjectFromAPathKeepsItsMembers() throws {
        let event = try ML.one("custom: $.extend", #"{"extend": {"plan": "gold", "seats": 3, "tags": ["a"]}}"#)
        #expect(event.call.custom.keys == ["plan", "seats", "tags"])
        #expect(event.call.custom["seats"] == .int(3))
        let error = try ML.runtimeError("custom: $.extend", #"{"extend": "plain text"}"#)
        #expect(error.field == "call.custom")
        #expect(error.message == "expected an object, got string")
    }

    /// Unknown is null or absent, never "" (Docs/call-record.md, "Conventions"). `custom` and
    /// `vendor_meta` drop null and "" members also when taken whole from the payload
    /// (`custom: $.extend`, as Udesk does), nested objects included.
    @Test func aFreeObjectFromAPathEmitsNoEmptyStrings() throws {
        let event = try ML.one(
            "custom: $.extend\nvendor_meta: { extra: $.extend }",
            #"{"extend": {"a": "x", "b": "", "c": null, "d": {"e": "", "f": 0}}}"#)
        #expect(event.call.custom.keys == ["a", "d"])
        #expect(event.call.custom["d"] == ["f": 0])
        #expect(event.call.vendorMeta["extra"] == ["a": "x", "d": ["f": 0]])
    }

    @Test func anObjectFromThePayloadMustUseCanonicalFields() throws {
        let event = try ML.one("customer: $.c", #"{"c": {"name": "Sato", "phone": "0312345678"}}"#)
        #expect(event.call.customer?.name == "Sato")
        #expect(event.call.customer?.phone?.e164 == "+81312345678")
        let error = try ML.runtimeError("customer: $.c", #"{"c": {"name": "Sato", "tel": "0312345678"}}"#)
        #expect(error.field == "call.customer.tel")
        #expect(error.message == "not a field of the canonical record")
    }

    @Test func aMissingParticipantRoleNamesTheElement() throws {
        let error = try ML.runtimeError(
            """
            participants:
              each: $.people
              emit:
                id: "@.id"
                role: { map: "@.kind", values: { A: agent, C: customer }, default: null }
            """, #"{"people": [{"id": "1", "kind": "A"}, {"id": "2", "kind": "X"}]}"#)
        #expect(error.field == "call.participants[1].role")
        #expect(error.message == "missing (required)")
        #expect(error.description == "call.participants[1].role: missing (required)")
    }

    @Test func anErrorInsideEachNamesTheIndex() throws {
        let error = try ML.runtimeError(
            "notes: { each: $.c, emit: { text: \"@.t\", at: { time: \"@.at\", format: epoch_s } } }",
            #"{"c": [{"t": "a", "at": 1}, {"t": "b", "at": 2}, {"t": "c", "at": "soon"}]}"#)
        #expect(error.field == "call.notes[2].at")
        #expect(error.message == "'soon' is not a number of seconds")
    }

    @Test func aRequiredFieldThatComesOutNullIsAnError() throws {
        let error = try ML.runtimeError("vendor_call_id: $.id", #"{"id": null}"#)
        #expect(error.field == "call.vendor_call_id")
        #expect(error.message == "missing (required)")
    }

    @Test func anOutcomeBeforeTheCallEndedIsAnError() throws {
        let error = try ML.runtimeError("status: in_progress\noutcome: answered")
        #expect(error.field == "call.outcome")
        #expect(error.message.contains("set while status is 'in_progress'"))
        let reason = try ML.runtimeError("status: ringing\noutcome_reason: queue_timeout")
        #expect(reason.field == "call.outcome_reason")
    }

    @Test func errorsInLetsAndRulesNameThem() throws {
        let inLet = try ML.runtimeError(
            "", #"{"n": "x"}"#, top: "let:\n  count: { int: $.n }")
        #expect(inLet.field == "$count")
        let inRule = try ML.runtimeError(
            "", #"{"k": "Z"}"#,
            events: "- when: { eq: [{ map: $.k, values: { A: a } }, a] }\n  type: call.started\n- type: call.updated")
        #expect(inRule.field == "events")
        #expect(inRule.message.contains("'Z' is not a known value"))
    }

    @Test func vendorEventMustBeText() throws {
        let event = try ML.one("", #"{"e": 3}"#, top: "vendor_event: $.e")
        #expect(event.vendorEvent == "3")
        let error = try ML.runtimeError("", #"{"e": {"x": 1}}"#, top: "vendor_event: $.e")
        #expect(error.field == "vendor_event")
    }

    // MARK: Identity

    static let timed = "time: $.t"
    static let payload = #"{"id": "c-1", "t": "2024-05-14T02:00:00Z", "s": "hello"}"#

    func ids(_ payload: String, time: String = timed, receivedAt: Timestamp = ML.receivedAt, source: String = "test")
        throws -> [String]
    {
        var settings = ML.source
        settings.id = source
        let yaml = ML.mapping("vendor_call_id: $.id\nsummary: $.s\nended_at: $received_at", time: time)
        return try ML.events(yaml, payload, source: settings, receivedAt: receivedAt).map(\.id)
    }

    @Test func identicalInputGivesTheSameId() throws {
        let first = try ids(Self.payload)
        #expect(first == (try ids(Self.payload)))
        #expect(first[0].hasPrefix("evt_"))
        #expect(first[0].count == 36)
    }

    @Test func changedContentGivesANewId() throws {
        let changed = #"{"id": "c-1", "t": "2024-05-14T02:00:00Z", "s": "hello!"}"#
        #expect(try ids(changed) != (try ids(Self.payload)))
        #expect(try ids(Self.payload, source: "other") != (try ids(Self.payload)))
    }

    @Test func receivedAtIsNotPartOfTheId() throws {
        let later = Timestamp(seconds: 1_767_229_200)
        #expect(try ids(Self.payload, receivedAt: later) == (try ids(Self.payload)))
        // Nor is the receipt time when it stands in for the event time (time_fallback: receipt).
        let receipt = "time: null\ntime_fallback: receipt"
        #expect(try ids(Self.payload, time: receipt, receivedAt: later) == (try ids(Self.payload, time: receipt)))
    }

    @Test func typeIsPartOfTheId() throws {
        let rules = "- when: { exists: $.v }\n  type: call.voicemail\n- type: call.completed"
        let a = try ML.one("", #"{"v": 1}"#, events: rules)
        let b = try ML.one("", #"{}"#, events: rules)
        #expect(a.type != b.type)
        #expect(a.id != b.id)
        #expect(a.call.callKey == b.call.callKey)
        #expect(a.revision == 1)
    }
}
