import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// `events:` rules — `when` conditions, order, `skip: true`.
@Suite struct MappingLanguageClassificationTests {
    typealias ML = MappingLanguage

    struct Case: CustomTestStringConvertible, Sendable {
        var condition: String
        var payload: String
        var holds: Bool
        var testDescription: String { "\(condition) on \(payload) → \(holds)" }
    }

    static let cases: [Case] = [
        // exists / missing: null, "" and [] are empty; 0 and false are values.
        Case(condition: #"{ exists: $.a }"#, payload: #"{"a": "x"}"#, holds: true),
        Case(condition: #"{ exists: $.a }"#, payload: #"{"a": null}"#, holds: false),
        Case(condition: #"{ exists: $.a }"#, payload: #"{"a": ""}"#, holds: false),
        Case(condition: #"{ exists: $.a }"#, payload: #"{"a": []}"#, holds: false),
        Case(condition: #"{ exists: $.a }"#, payload: #"{"a": 0}"#, holds: true),
        Case(condition: #"{ exists: $.a }"#, payload: #"{"a": false}"#, holds: true),
        Case(condition: #"{ exists: $.a }"#, payload: #"{}"#, holds: false),
        Case(condition: #"{ missing: $.a }"#, payload: #"{}"#, holds: true),
        Case(condition: #"{ missing: $.a }"#, payload: #"{"a": ""}"#, holds: true),
        Case(condition: #"{ missing: $.a }"#, payload: #"{"a": {}}"#, holds: false),
        // eq / ne: numbers by value, "" equals null, no string/number coercion.
        Case(condition: #"{ eq: [$.a, IN] }"#, payload: #"{"a": "IN"}"#, holds: true),
        Case(condition: #"{ eq: [$.a, IN] }"#, payload: #"{"a": "in"}"#, holds: false),
        Case(condition: #"{ eq: [$.a, 200] }"#, payload: #"{"a": 200.0}"#, holds: true),
        Case(condition: #"{ eq: [$.a, 200] }"#, payload: #"{"a": "200"}"#, holds: false),
        Case(condition: #"{ eq: [$.a, null] }"#, payload: #"{"a": ""}"#, holds: true),
        Case(condition: #"{ eq: [$.a, $.b] }"#, payload: #"{"a": 1, "b": 1}"#, holds: true),
        Case(condition: #"{ eq: [$.a, true] }"#, payload: #"{"a": true}"#, holds: true),
        Case(condition: #"{ ne: [$.a, IN] }"#, payload: #"{"a": "OUT"}"#, holds: true),
        Case(condition: #"{ ne: [$.a, IN] }"#, payload: #"{"a": "IN"}"#, holds: false),
        // in
        Case(condition: #"{ in: [$.a, [X, Y, 3]] }"#, payload: #"{"a": "Y"}"#, holds: true),
        Case(condition: #"{ in: [$.a, [X, Y, 3]] }"#, payload: #"{"a": 3}"#, holds: true),
        Case(condition: #"{ in: [$.a, [X, Y, 3]] }"#, payload: #"{"a": "Z"}"#, holds: false),
        // not / all / any
        Case(condition: #"{ not: { exists: $.a } }"#, payload: #"{"a": 1}"#, holds: false),
        Case(condition: #"{ all: [{ exists: $.a }, { eq: [$.b, 2] }] }"#, payload: #"{"a": 1, "b": 2}"#, holds: true),
        Case(condition: #"{ all: [{ exists: $.a }, { eq: [$.b, 2] }] }"#, payload: #"{"a": 1, "b": 3}"#, holds: false),
        Case(condition: #"{ any: [{ exists: $.a }, { eq: [$.b, 2] }] }"#, payload: #"{"b": 2}"#, holds: true),
        Case(condition: #"{ any: [{ exists: $.a }, { eq: [$.b, 2] }] }"#, payload: #"{"b": 3}"#, holds: false),
        Case(condition: #"{ all: [] }"#, payload: #"{}"#, holds: true),
        Case(condition: #"{ any: [] }"#, payload: #"{}"#, holds: false),
    ]

    @Test(arguments: cases)
    func conditionOperators(_ c: Case) throws {
        let event = try ML.one(
            "", c.payload,
            events: """
                - when: \(c.condition)
                  type: call.started
                - type: call.updated
                """)
        #expect(event.type == (c.holds ? .started : .updated))
    }

    static let ordered = """
        - when: { exists: $.minutes }
          type: call.summary.available
        - when: { eq: [$.kind, RECORD] }
          type: call.voicemail
        - when: { eq: [$.kind, TEST] }
          skip: true
        - type: call.completed
        """

    @Test func theFirstMatchingRuleWins() throws {
        // Both the first and the second rule hold: the first one decides.
        let both = try ML.one("", #"{"minutes": "m", "kind": "RECORD"}"#, events: Self.ordered)
        #expect(both.type == .summaryAvailable)
        let second = try ML.one("", #"{"kind": "RECORD"}"#, events: Self.ordered)
        #expect(second.type == .voicemail)
        let fallback = try ML.one("", #"{"kind": "CALL"}"#, events: Self.ordered)
        #expect(fallback.type == .completed)
    }

    @Test func skipProducesNoEvent() throws {
        #expect(try ML.run("", #"{"kind": "TEST"}"#, events: Self.ordered).isEmpty)
    }

    @Test func skipDropsOnlyTheElementsItMatches() throws {
        let produced = try ML.run(
            "leg_id: \"@.id\"", #"{"legs": [{"id": "a"}, {"id": "b", "test": true}, {"id": "c"}]}"#,
            top: "for_each: $.legs[*]",
            events: """
                - when: { eq: ["@.test", true] }
                  skip: true
                - type: call.completed
                """)
        #expect(produced.map(\.call.legId) == ["a", "c"])
    }

    @Test func noMatchingRuleIsAnErrorNamingType() throws {
        let error = try ML.runtimeError(
            "", #"{"kind": "OTHER"}"#,
            events: """
                - when: { eq: [$.kind, CALL] }
                  type: call.completed
                """)
        #expect(error.field == "type")
        #expect(error.message.contains("no rule"))
    }

    @Test func typeIsAvailableAsAVariableAfterClassification() throws {
        let event = try ML.one(
            "vendor_meta: { event_type: $type }", #"{"kind": "RECORD"}"#, events: Self.ordered)
        #expect(event.call.vendorMeta["event_type"] == .string("call.voicemail"))
    }

    /// `$type` is set only once an element is classified: in `let` and `when` it is null, also for
    /// the second and later elements of `for_each` (it once leaked from the previous element).
    @Test func typeIsNotYetKnownWhileClassifying() throws {
        let produced = try ML.run(
            "leg_id: \"@.id\"\nvendor_meta: { seen: $seen, after: $type }",
            #"{"legs": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}"#,
            top: "for_each: $.legs[*]\nlet:\n  seen: $type",
            events: """
                - when: { exists: $type }
                  type: call.updated
                - type: call.completed
                """)
        #expect(produced.count == 3)
        #expect(produced.map(\.type) == [.completed, .completed, .completed])
        #expect(produced.allSatisfy { $0.call.vendorMeta["seen"] == nil })
        // In `call:` it is known.
        #expect(produced.allSatisfy { $0.call.vendorMeta["after"] == .string("call.completed") })
    }

    @Test func aRuleNeedsEitherTypeOrSkip() throws {
        let both = try ML.loadError(ML.mapping("", events: "- type: call.completed\n  skip: true"))
        #expect(both.message.contains("either 'type' or 'skip: true'"))
        #expect(both.line == 5)
        let unknownType = try ML.loadError(ML.mapping("", events: "- type: call.finished"))
        #expect(unknownType.message.contains("'call.finished' is not an event type"))
        #expect((unknownType.line, unknownType.column) == (5, 11))
    }

    @Test func anUnknownConditionOperatorIsALoadError() throws {
        let error = try ML.loadError(ML.mapping("", events: "- when: { has: $.a }\n  type: call.completed"))
        #expect(error.message.contains("a condition is one of exists, missing, eq, ne, in, not, all, any"))
        #expect((error.line, error.column) == (5, 11))
    }
}
