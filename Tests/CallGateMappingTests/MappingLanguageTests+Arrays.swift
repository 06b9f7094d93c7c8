import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Arrays: `each`/`emit`, nested `each`, `flatten`, `filter`/`where`, `sort`/`by`/`order`.
@Suite struct MappingLanguageArrayTests {
    typealias ML = MappingLanguage

    static let people = #"""
        {"people": [
          {"id": "u1", "kind": "AGENT", "name": "Suzuki", "tel": "0312345678"},
          {"id": "c1", "kind": "CUSTOMER", "name": "Sato", "tel": "09012345678"},
          {"id": "x1", "kind": "BOT"}
        ]}
        """#

    @Test func eachEmitsOneObjectPerElement() throws {
        let event = try ML.one(
            """
            participants:
              each: $.people
              as: p
              emit:
                id: $p.id
                role: { map: $p.kind, values: { AGENT: agent, CUSTOMER: customer }, default: other }
                name: "@.name"
                phone: $p.tel
            """, Self.people)
        let participants = event.call.participants
        #expect(participants.map(\.id) == ["u1", "c1", "x1"])
        #expect(participants.map(\.role) == [.agent, .customer, .other])
        #expect(participants.map(\.name) == ["Suzuki", "Sato", nil])
        #expect(participants[1].phone?.e164 == "+819012345678")
    }

    @Test func eachDropsNullResults() throws {
        let event = try ML.one(
            #"tags: { each: $.people, emit: { if: { eq: ["@.kind", AGENT] }, then: "@.name" } }"#, Self.people)
        #expect(event.call.tags == ["Suzuki"])
    }

    @Test func eachOverNothingIsEmpty() throws {
        let event = try ML.one("tags: { each: $.nobody, emit: \"@.name\" }", Self.people)
        #expect(event.call.tags.isEmpty)
    }

    @Test func filterKeepsTheElementsWhereTheConditionHolds() throws {
        let event = try ML.one(
            """
            tags:
              each: { filter: $.people, where: { all: [{ exists: "@.tel" }, { ne: ["@.kind", AGENT] }] } }
              emit: "@.id"
            """, Self.people)
        #expect(event.call.tags == ["c1"])
    }

    @Test func filterThenReadAMember() throws {
        let event = try ML.one(
            "agent: { id: $agent.id, name: $agent.name }", Self.people,
            top: "let:\n  agent: { first: { filter: $.people, as: p, where: { eq: [$p.kind, AGENT] } } }")
        #expect(event.call.agent?.id == "u1")
        #expect(event.call.agent?.name == "Suzuki")
    }

    @Test func flattenJoinsOneLevelAndDropsNulls() throws {
        let event = try ML.one(
            #"vendor_meta: { all: { flatten: { list: "$.groups[*]" } } }"#,
            #"{"groups": [["a", "b"], [], "c", null, [["d"]]]}"#)
        // One level only: [["d"]] contributes ["d"].
        #expect(event.call.vendorMeta["all"] == ["a", "b", "c", ["d"]])
    }

    static let phrases = #"""
        {"phrases": [
          {"participant_id": "p1", "raw": [{"start_at": 0.5, "phrase": "hello"}, {"start_at": 10, "phrase": "bye"}]},
          {"participant_id": "p2", "raw": [{"start_at": 2, "phrase": "hi"}, {"start_at": 9, "phrase": "thanks"}]}
        ]}
        """#

    /// The MiiTel transcript: each speaker's phrases arrive separately; merged and sorted by start.
    @Test func nestedEachWithNamedVariablesThenFlattenAndSort() throws {
        let event = try ML.one(
            """
            transcript:
              segments:
                sort:
                  flatten:
                    each: $.phrases
                    as: speaker
                    emit:
                      each: $speaker.raw
                      as: phrase
                      emit:
                        participant_id: $speaker.participant_id
                        role: { if: { eq: [$speaker.participant_id, p1] }, then: agent, else: customer }
                        start: $phrase.start_at
                        text: $phrase.phrase
                by: "@.start"
            """, Self.phrases)
        let segments = try #require(event.call.transcript?.segments)
        #expect(segments.map(\.text) == ["hello", "hi", "thanks", "bye"])
        #expect(segments.map(\.participantId) == ["p1", "p2", "p2", "p1"])
        #expect(segments.map(\.role) == [.agent, .customer, .customer, .agent])
        #expect(segments.map(\.start) == [0.5, 2, 9, 10])
    }

    static let numbers = #"{"items": [{"k": 10, "n": "b"}, {"k": 9, "n": "a"}, {"k": 100, "n": "C"}, {"n": "none"}]}"#

    @Test func sortByNumberComparesValuesNotText() throws {
        let event = try ML.one(
            #"tags: { each: { sort: $.items, by: "@.k" }, emit: "@.n" }"#, Self.numbers)
        // 9 < 10 < 100 (text order would put "10" < "100" < "9"); no key sorts last.
        #expect(event.call.tags == ["a", "b", "C", "none"])
    }

    @Test func sortByStringComparesCodePoints() throws {
        let event = try ML.one(
            #"tags: { each: { sort: $.items, by: "@.n" }, emit: "@.n" }"#, Self.numbers)
        #expect(event.call.tags == ["C", "a", "b", "none"])
    }

    @Test func sortDescendingKeepsElementsWithoutKeyLast() throws {
        let event = try ML.one(
            #"tags: { each: { sort: $.items, by: "@.k", order: desc }, emit: "@.n" }"#, Self.numbers)
        #expect(event.call.tags == ["C", "b", "a", "none"])
    }

    @Test(arguments: ["asc", "desc"])
    func sortIsStable(_ order: String) throws {
        let payload = #"""
            {"items": [{"k": 1, "n": "first"}, {"k": 0, "n": "zero"}, {"k": 1, "n": "second"},
                       {"k": 1, "n": "third"}]}
            """#
        let event = try ML.one(
            #"tags: { each: { sort: $.items, by: "@.k", order: \#(order) }, emit: "@.n" }"#, payload)
        let ones = event.call.tags.filter { $0 != "zero" }
        #expect(ones == ["first", "second", "third"])
        #expect(event.call.tags.firstIndex(of: "zero") == (order == "asc" ? 0 : 3))
    }

    @Test func sortByAComputedKeyWithAs() throws {
        let event = try ML.one(
            #"tags: { each: { sort: $.items, as: it, by: { number: $it.v } }, emit: "@.n" }"#,
            #"{"items": [{"v": "10", "n": "ten"}, {"v": "9.5", "n": "nine"}]}"#)
        #expect(event.call.tags == ["nine", "ten"])
    }

    @Test func aBadOrderIsALoadError() throws {
        let error = try ML.loadError(ML.mapping(#"tags: { sort: $.items, by: "@.k", order: down }"#))
        #expect(error.message.contains("'order' is asc or desc"))
    }

    @Test func anEachVariableIsUnknownOutsideIt() throws {
        let error = try ML.loadError(ML.mapping("tags: { each: $.items, as: it, emit: $it.n }\nsummary: $it.n"))
        #expect(error.message.contains("unknown variable '$it'"))
        #expect(error.line == 14)
    }
}
