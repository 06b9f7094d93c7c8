import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Paths (RFC 9535 subset) and splitting with `for_each`.
@Suite struct MappingLanguagePathTests {
    typealias ML = MappingLanguage

    static let legs = #"""
        {"call": {"id": "c-1", "tenant": "null",
          "legs": [{"id": "l1", "role": "customer", "name": "Sato"},
                   {"id": "l2", "role": "agent", "user": "u-7", "name": "Suzuki"},
                   {"id": "l3", "role": "agent", "user": "u-8", "name": "Tanaka"}]},
         "thread-id": "t-9"}
        """#

    @Test func rootPathsSelectFromTheDocument() throws {
        let event = try ML.one(
            """
            vendor_call_id: $.call.id
            thread_key: "$['thread-id']"
            leg_id: $.call.legs[0].id
            previous_leg_id: $.call.legs[-1].id
            """, Self.legs)
        #expect(event.call.vendorCallId == "c-1")
        #expect(event.call.threadKey == "t-9")
        #expect(event.call.legId == "l1")
        #expect(event.call.previousLegId == "l3")
    }

    @Test func aPathInValuePositionTakesTheFirstMatch() throws {
        let event = try ML.one(
            """
            leg_id: $.call.legs[*].id
            agent:
              id: "$.call.legs[?@.role == 'agent'].user"
            """, Self.legs)
        #expect(event.call.legId == "l1")
        #expect(event.call.agent?.id == "u-7")
    }

    @Test func listSelectsEveryMatchInDocumentOrder() throws {
        let event = try ML.one(
            """
            tags: { list: "$.call.legs[?@.role == 'agent'].name" }
            """, Self.legs)
        #expect(event.call.tags == ["Suzuki", "Tanaka"])
    }

    @Test func filtersCombineComparisonsAndExistence() throws {
        let event = try ML.one(
            """
            tags: { list: "$.call.legs[?@.user && @.name != 'Suzuki'].id" }
            summary: "$.call.legs[?@.id == 'l9'].name"
            """, Self.legs)
        #expect(event.call.tags == ["l3"])
        // Nothing matches: null, and a null string field is simply absent.
        #expect(event.call.summary == nil)
    }

    @Test func nullStringsTurnVendorMarkersIntoNull() throws {
        let withMarkers = try ML.one("tenant: $.call.tenant", Self.legs, top: "null_strings: [\"null\"]")
        #expect(withMarkers.call.tenant == nil)
        let without = try ML.one("tenant: $.call.tenant", Self.legs)
        #expect(without.call.tenant == "null")
    }

    @Test func missingMembersAndWrongKindsSelectNothing() throws {
        let event = try ML.one(
            """
            leg_id: $.call.nope.id
            thread_key: $.call.id[0]
            summary: $.call.legs.name
            """, Self.legs)
        #expect(event.call.legId == nil)
        #expect(event.call.threadKey == nil)
        #expect(event.call.summary == nil)
    }

    @Test func currentNodeAndNamedElementInsideForEach() throws {
        let produced = try ML.run(
            """
            vendor_call_id: $.call.id
            leg_id: "@.id"
            participants:
              each: $.call.legs
              emit:
                id: "@.id"
                role: customer
                name: "{{ $leg.name }}→{{ @.name }}"
            """, Self.legs, top: "for_each: $.call.legs[*]\nas: leg")
        #expect(produced.map(\.call.legId) == ["l1", "l2", "l3"])
        // Inside `each`, @ is the participant while $leg stays the for_each element.
        let names = produced[1].call.participants.map(\.name)
        #expect(names == ["Suzuki→Sato", "Suzuki→Suzuki", "Suzuki→Tanaka"])
    }

    @Test func aDescendantPathIsRefusedAtLoadAsNotSupported() throws {
        let error = try ML.loadError(
            """
            version: 1
            vendor: test
            events:
              - type: call.completed
            time: null
            time_fallback: receipt
            call:
              vendor_call_id: $..id
              direction: inbound
              leg_kind: normal
              status: ended
            """)
        #expect(error.message.contains("not supported"))
        #expect(error.message.contains("'..'"))
        #expect(error.file == "test.yaml")
        #expect(error.line == 8)
        #expect(error.column == 19)
    }

    @Test(arguments: ["$.a[1:2]", "$.a[0,1]", "$[?length(@.a) > 1]"])
    func otherRFC9535FeaturesAreRefused(_ path: String) throws {
        let error = try ML.loadError(ML.mapping("leg_id: \"\(path)\""))
        #expect(error.message.contains("not supported"), "\(error)")
    }
}

/// `for_each` / `as`: one event per selected element.
@Suite struct MappingLanguageSplittingTests {
    typealias ML = MappingLanguage

    @Test func eachElementBecomesAnEventOfTheSameCall() throws {
        let produced = try ML.run(
            "vendor_call_id: $.id\nleg_id: \"@.id\"",
            #"{"id": "call-1", "legs": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}"#,
            top: "for_each: $.legs[*]")
        #expect(produced.count == 3)
        #expect(produced.map(\.call.legId) == ["a", "b", "c"])
        #expect(Set(produced.map(\.id)).count == 3)
        #expect(Set(produced.map(\.call.callKey)).count == 1)
        #expect(produced[0].call.callKey == EventIdentity.callKey(source: "test", vendorCallId: "call-1"))
    }

    @Test func aForEachThatSelectsNothingIsAnError() throws {
        let error = try ML.runtimeError("leg_id: \"@.id\"", #"{"legs": []}"#, top: "for_each: $.legs[*]")
        #expect(error.field == "for_each")
        #expect(error.message.contains("$.legs[*]"))
        #expect(error.element == nil)
    }

    @Test func anErrorNamesTheElementItHappenedIn() throws {
        let error = try ML.runtimeError(
            "started_at: \"@.at\"",
            #"{"legs": [{"at": "2024-05-14T02:00:00Z"}, {"at": "yesterday"}]}"#, top: "for_each: $.legs[*]")
        #expect(error.field == "call.started_at")
        #expect(error.element == "element 2 of 2 selected by $.legs[*]")
    }

    @Test func asIsOnlyAllowedWithForEach() throws {
        let error = try ML.loadError(ML.mapping("", top: "as: leg"))
        #expect(error.message.contains("for_each"))
        #expect(error.line == 3)
    }
}
