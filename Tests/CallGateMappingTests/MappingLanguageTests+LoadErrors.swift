import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Load-time checks: every problem a mapping file can have is reported once, at start-up, as
/// `file:line:column` (1-based).
@Suite struct MappingLanguageLoadErrorTests {
    typealias ML = MappingLanguage

    @Test func unknownTopLevelKey() throws {
        let error = try ML.loadError(
            """
            version: 1
            vendor: test
            evnts:
              - type: call.completed
            events:
              - type: call.completed
            time: null
            time_fallback: receipt
            call: { vendor_call_id: $.id, direction: inbound, leg_kind: normal, status: ended }
            """)
        #expect(error.message.hasPrefix("unknown key 'evnts' in mapping file (allowed: "))
        #expect(error.message.contains("for_each"))
        #expect((error.line, error.column) == (3, 1))
        #expect(error.description.hasPrefix("test.yaml:3:1: "))
    }

    @Test func unknownFieldInCall() throws {
        let error = try ML.loadError(ML.mapping("customer:\n  nmae: $.name"))
        #expect(error.message.hasPrefix("unknown field 'nmae' (fields here: name, company, phone, external_id)"))
        #expect((error.line, error.column) == (14, 5))
        let top = try ML.loadError(ML.mapping("caller: $.from"))
        #expect(top.message.hasPrefix("unknown field 'caller'"))
        #expect((top.line, top.column) == (13, 3))
    }

    @Test func unknownOperator() throws {
        let error = try ML.loadError(ML.mapping("summary: { concat: [$.a, $.b] }"))
        #expect(error.message.hasPrefix("unknown operator 'concat' (operators: "))
        #expect((error.line, error.column) == (13, 12))
    }

    @Test func unknownModifierOfAnOperator() throws {
        let error = try ML.loadError(ML.mapping("started_at: { time: $.t, fromat: epoch_s }"))
        #expect(error.message.contains("unknown key 'fromat' in expression (allowed: format, time, zone)"))
        #expect((error.line, error.column) == (13, 28))
    }

    @Test func twoOperatorsInOneExpression() throws {
        let error = try ML.loadError(ML.mapping("summary: { trim: $.a, lowercase: $.a }"))
        #expect(error.message.contains("one operator per expression"))
    }

    @Test func unknownEnumTargetInAMapWrittenInTheField() throws {
        let error = try ML.loadError(
            ML.mapping(
                """
                direction:
                  map: $.dir
                  values: { IN: inbound, OUT: outbond }
                """))
        #expect(error.message == "'outbond' is not a direction (one of inbound, outbound, internal, unknown)")
        #expect((error.line, error.column) == (14, 33))
    }

    @Test func unknownEnumLiteralsInIfAndDefault() throws {
        let literal = try ML.loadError(ML.mapping("status: finished"))
        #expect(literal.message.hasPrefix("'finished' is not a status"))
        #expect((literal.line, literal.column) == (12, 11))
        let branch = try ML.loadError(ML.mapping("outcome: { if: { exists: $.a }, then: answerd }"))
        #expect(branch.message.hasPrefix("'answerd' is not a outcome"))
        let fallback = try ML.loadError(ML.mapping("leg_kind: { map: $.k, values: { Q: queue }, default: regular }"))
        #expect(fallback.message.hasPrefix("'regular' is not a leg kind"))
    }

    @Test func fieldsInsideEachAreCheckedToo() throws {
        let error = try ML.loadError(ML.mapping("participants: { each: $.p, emit: { role: agnt, nick: \"@.n\" } }"))
        #expect(error.message.hasPrefix("'agnt' is not a participant role"))
        #expect((error.line, error.column) == (13, 44))
        let unknown = try ML.loadError(ML.mapping("participants: { each: $.p, emit: { role: agent, nick: \"@.n\" } }"))
        #expect(unknown.message.hasPrefix("unknown field 'nick'"))
    }

    @Test func enumTargetsOfALetAreCheckedWhereTheLetIsUsed() throws {
        let top = "let:\n  d: { if: { eq: [$.x, 1] }, then: outbound, else: { map: $.dir, values: { IN: inbond } } }"
        let error = try ML.loadError(ML.mapping("direction: $d", top: top))
        #expect(error.message == "'inbond' is not a direction (one of inbound, outbound, internal, unknown)")
        #expect((error.line, error.column) == (4, 80))
        // Used elsewhere (a free object), the same let is fine.
        #expect(throws: Never.self) { try ML.compile(ML.mapping("vendor_meta: { d: $d }", top: top)) }
    }

    @Test func enumValuesFromThePayloadAreCheckedWhenTheyArrive() throws {
        let error = try ML.runtimeError("direction: $.dir", #"{"dir": "sideways"}"#)
        #expect(error.field == "call.direction")
        #expect(error.message == "'sideways' is not a direction (one of inbound, outbound, internal, unknown)")
    }

    @Test func unknownVariable() throws {
        let error = try ML.loadError(ML.mapping("leg_id: $leg.id"))
        #expect(error.message == "unknown variable '$leg' in '$leg.id' (known here: $received_at, $source, $type)")
        #expect((error.line, error.column) == (13, 11))
    }

    @Test func aLetCanOnlyUseEarlierLets() throws {
        let error = try ML.loadError(ML.mapping("", top: "let:\n  a: $b.x\n  b: $.b"))
        #expect(error.message.contains("unknown variable '$b'"))
        #expect((error.line, error.column) == (4, 6))
        let twice = try ML.loadError(ML.mapping("", top: "for_each: $.legs[*]\nas: leg\nlet:\n  leg: $.x"))
        #expect(twice.message == "'$leg' is already defined")
    }

    @Test func callKeyIsComputedNotMapped() throws {
        let error = try ML.loadError(ML.mapping("call_key: $.id"))
        #expect(error.message.contains("'call_key' is computed by CallGate"))
        #expect((error.line, error.column) == (9, 3))
    }

    @Test func missingRequiredFieldOfCall() throws {
        let error = try ML.loadError(
            """
            version: 1
            vendor: test
            events:
              - type: call.completed
            time: null
            time_fallback: receipt
            call:
              vendor_call_id: $.id
              direction: inbound
              leg_kind: normal
            """)
        #expect(error.message == "'call' needs 'status'")
        #expect((error.line, error.column) == (8, 3))
    }

    @Test func missingTopLevelKeys() throws {
        let noTime = try ML.loadError(ML.mapping("", time: ""))
        #expect(noTime.message == "mapping file needs 'time'")
        let noVendor = try ML.loadError("version: 1\nevents: [{ type: call.completed }]\ntime: null\ncall: {}\n")
        #expect(noVendor.message == "mapping file needs 'vendor'")
        #expect((noVendor.line, noVendor.column) == (1, 1))
    }

    @Test func aWrongVersionIsRefused() throws {
        let error = try ML.loadError("version: 2\nvendor: test\n")
        #expect(error.message.contains("unsupported mapping version '2'"))
        #expect((error.line, error.column) == (1, 10))
    }

    @Test func aListWhereOneValueBelongs() throws {
        let error = try ML.loadError(ML.mapping("summary: [$.a, $.b]"))
        #expect(error.message == "expected a single value here, not a list")
    }

    @Test func invalidYAMLIsLocated() throws {
        let error = try ML.loadError("version: 1\nvendor: test\ncall: { vendor_call_id: $.id\n")
        #expect(error.message.hasPrefix("invalid YAML"))
        #expect(error.line >= 3)
    }
}
