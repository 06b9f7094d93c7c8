import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Values: literals, templates, coalesce, map, conversions, text operations, objects, if.
@Suite struct MappingLanguageValueTests {
    typealias ML = MappingLanguage

    @Test func literalsKeepTheirYAMLType() throws {
        let event = try ML.one(
            """
            summary: hello
            vendor_meta: { n: 42, x: 1.5, yes: true, quoted: "true", arr: [a, 1] }
            """)
        #expect(event.call.summary == "hello")
        #expect(event.call.vendorMeta["n"] == .int(42))
        #expect(event.call.vendorMeta["x"] == .double(1.5))
        #expect(event.call.vendorMeta["yes"] == .bool(true))
        #expect(event.call.vendorMeta["quoted"] == .string("true"))
        #expect(event.call.vendorMeta["arr"] == ["a", 1])
    }

    @Test func textThatLooksLikeAPathNeedsLiteral() throws {
        let event = try ML.one("summary: { literal: \"@home\" }")
        #expect(event.call.summary == "@home")
        let error = try ML.loadError(ML.mapping("summary: \"@home\""))
        #expect(error.message.contains("invalid path '@home'"))
    }

    @Test func templatesInsertTextAndNumbers() throws {
        let event = try ML.one(
            #"links: { vendor_ui: "https://{{ $.tenant }}.example.jp/calls/{{ $.call.id }}?n={{ $.n }}" }"#,
            #"{"tenant": "acme", "call": {"id": "c-1"}, "n": 7}"#)
        #expect(event.call.links?.vendorUI == "https://acme.example.jp/calls/c-1?n=7")
    }

    @Test func aTemplateWithANullPlaceholderIsNull() throws {
        let event = try ML.one(
            #"links: { vendor_ui: "https://{{ $.tenant }}.example.jp/calls/{{ $.call.id }}" }"#,
            #"{"call": {"id": "c-1"}}"#)
        #expect(event.call.links == nil)
        // null_strings count as null in templates too.
        let marked = try ML.one(
            #"summary: "by {{ $.who }}""#, #"{"who": "null"}"#, top: "null_strings: [\"null\"]")
        #expect(marked.call.summary == nil)
    }

    @Test func coalesceSkipsNullAndEmptyStrings() throws {
        let event = try ML.one(
            "summary: { coalesce: [$.a, $.b, $.c, $.d] }", #"{"a": null, "b": "", "c": "third", "d": "fourth"}"#)
        #expect(event.call.summary == "third")
        let none = try ML.one("summary: { coalesce: [$.a, $.b] }", #"{"b": ""}"#)
        #expect(none.call.summary == nil)
    }

    static let directionMap = """
        direction:
          map: $.dir
          values: { IN: inbound, OUT: outbound }
        """

    @Test func mapTranslatesVendorValues() throws {
        #expect(try ML.one(Self.directionMap, #"{"dir": "OUT"}"#).call.direction == .outbound)
        #expect(try ML.one(Self.directionMap, #"{"dir": "IN"}"#).call.direction == .inbound)
    }

    @Test func anUnmappedValueWithoutDefaultIsAnError() throws {
        let error = try ML.runtimeError(Self.directionMap, #"{"dir": "SIDEWAYS"}"#)
        #expect(error.field == "call.direction")
        #expect(error.message.contains("'SIDEWAYS' is not a known value"))
        #expect(error.message.contains("IN, OUT"))
    }

    @Test func mapDefaultCoversUnlistedAndEmptyValues() throws {
        let mapping = Self.directionMap + "\n  default: unknown"
        #expect(try ML.one(mapping, #"{"dir": "SIDEWAYS"}"#).call.direction == .unknown)
        #expect(try ML.one(mapping, #"{}"#).call.direction == .unknown)
        // Without a default an empty input maps to null: for a required field that is an error.
        let error = try ML.runtimeError(Self.directionMap, #"{"dir": ""}"#)
        #expect(error.field == "call.direction")
        #expect(error.message.contains("missing"))
    }

    @Test func mapIgnoreCase() throws {
        let mapping = Self.directionMap + "\n  ignore_case: true"
        #expect(try ML.one(mapping, #"{"dir": "out"}"#).call.direction == .outbound)
        let error = try ML.runtimeError(Self.directionMap, #"{"dir": "out"}"#)
        #expect(error.field == "call.direction")
    }

    @Test func mapLooksUpNumbersAndBooleansAsText() throws {
        let event = try ML.one(
            """
            vendor_meta:
              v: { map: $.code, values: { 1: one, true: yes } }
              b: { map: $.flag, values: { true: yes } }
            """,
            #"{"code": 1, "flag": true}"#)
        #expect(event.call.vendorMeta["v"] == .string("one"))
        #expect(event.call.vendorMeta["b"] == .string("yes"))
    }

    @Test func conversions() throws {
        let event = try ML.one(
            """
            vendor_meta:
              s: { string: $.n }
              i: { int: $.i }
              f: { int: $.f }
              x: { number: $.x }
              t: { bool: $.t }
              no: { bool: $.no }
              zero: { bool: $.zero }
              gone: { int: $.gone }
            """,
            #"{"n": 42, "i": " 0042 ", "f": "3.0", "x": "2.5", "t": "true", "no": "false", "zero": 0, "gone": "null"}"#)
        let meta = event.call.vendorMeta
        #expect(meta["s"] == .string("42"))
        #expect(meta["i"] == .int(42))
        #expect(meta["f"] == .int(3))
        #expect(meta["x"] == .double(2.5))
        #expect(meta["t"] == .bool(true))
        #expect(meta["no"] == .bool(false))
        #expect(meta["zero"] == .bool(false))
        // "null" converts to null, and free objects leave null members out.
        #expect(meta["gone"] == nil)
        #expect(meta.count == 7)
    }

    @Test func falseAndNullStringsDecideConditions() throws {
        let yaml = """
            summary:
              if: { eq: [{ bool: $.v }, true] }
              then: voicemail
              else: { if: { missing: { bool: $.v } }, then: unknown, else: not-voicemail }
            """
        #expect(try ML.one(yaml, #"{"v": "true"}"#).call.summary == "voicemail")
        #expect(try ML.one(yaml, #"{"v": "false"}"#).call.summary == "not-voicemail")
        #expect(try ML.one(yaml, #"{"v": "null"}"#).call.summary == "unknown")
    }

    @Test(arguments: [
        ("int", #""abc""#, "cannot convert 'abc' to an integer"),
        ("int", "1.5", "cannot convert number to an integer"),
        ("number", #""12kg""#, "cannot convert '12kg' to a number"),
        ("bool", #""maybe""#, "cannot convert 'maybe' to true or false"),
        ("string", "[1]", "expected text, got array"),
    ])
    func aFailedConversionNamesTheFieldPath(_ op: String, _ value: String, _ message: String) throws {
        let error = try ML.runtimeError("vendor_meta: { count: { \(op): $.v } }", #"{"v": \#(value)}"#)
        #expect(error.field == "call.vendor_meta.count")
        #expect(error.message == message)
    }

    @Test func textOperations() throws {
        let event = try ML.one(
            """
            leg_id: { uppercase: { trim: $.id } }
            summary: { lowercase: $.s }
            dtmf: { trim: $.d }
            """, #"{"id": "  ab-1\n", "s": "HeLLo", "d": 12}"#)
        #expect(event.call.legId == "AB-1")
        #expect(event.call.summary == "hello")
        #expect(event.call.dtmf == "12")
    }

    @Test func joinSkipsEmptyElements() throws {
        let event = try ML.one(
            #"summary: { join: { list: "$.lines[*]" }, separator: " / " }"#, #"{"lines": ["a", "", null, 2, "b"]}"#)
        #expect(event.call.summary == "a / 2 / b")
        let empty = try ML.one(#"summary: { join: { list: "$.lines[*]" } }"#, #"{"lines": [""]}"#)
        #expect(empty.call.summary == nil)
    }

    @Test func withoutAndMerge() throws {
        let event = try ML.one(
            """
            custom: { without: "$", keys: [id, secret] }
            vendor_meta: { merge: [$.a, $.missing, $.b] }
            """, #"{"id": "c-1", "secret": "s", "plan": "gold", "a": {"x": 1, "y": 1}, "b": {"y": 2}}"#)
        #expect(event.call.custom["id"] == nil)
        #expect(event.call.custom["secret"] == nil)
        #expect(event.call.custom["plan"] == .string("gold"))
        #expect(event.call.vendorMeta["x"] == .int(1))
        #expect(event.call.vendorMeta["y"] == .int(2))
    }

    @Test func objectForcesKeysThatAreOperatorNames() throws {
        let event = try ML.one("analytics: { object: { time: $.t, first: $.f } }", #"{"t": 12, "f": "a"}"#)
        #expect(event.call.analytics?["time"] == .int(12))
        #expect(event.call.analytics?["first"] == .string("a"))
    }

    @Test func firstTakesTheFirstElement() throws {
        let event = try ML.one(#"summary: { first: { list: "$.n[*]" } }"#, #"{"n": ["x", "y"]}"#)
        #expect(event.call.summary == "x")
    }

    @Test func ifThenElse() throws {
        let yaml = "outcome: { if: { exists: $.answered }, then: answered, else: no_answer }"
        #expect(try ML.one(yaml, #"{"answered": "2024-01-01T00:00:00Z"}"#).call.outcome == .answered)
        #expect(try ML.one(yaml, #"{}"#).call.outcome == .noAnswer)
        // Without else: null.
        #expect(try ML.one("outcome: { if: { exists: $.answered }, then: answered }").call.outcome == nil)
    }

    @Test func letNamesAValueForLaterUse() throws {
        let event = try ML.one(
            "direction: $dir\nsummary: \"{{ $dir }}\"", #"{"d": "OUT"}"#,
            top: "let:\n  dir: { map: $.d, values: { OUT: outbound }, default: unknown }")
        #expect(event.call.direction == .outbound)
        #expect(event.call.summary == "outbound")
    }
}
