import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Tests of the mapping language, one group per capability of the language (the reference is
/// `Docs/mapping-language.md`). Each test compiles a small mapping from YAML and runs it on a
/// JSON payload, asserting on the canonical events it produces.
enum MappingLanguage {
    static let source = SourceSettings(id: "test", adapter: "generic", region: "JP", tenant: "acme")
    /// 2026-01-01T00:00:00Z
    static let receivedAt = Timestamp(seconds: 1_767_225_600)

    /// A complete mapping around `call`: lines of the `call:` section (written without indent);
    /// the required `vendor_call_id`, `direction`, `leg_kind` and `status` are filled in unless
    /// `call` sets them. `top` goes before `events:` (`for_each`, `let`, `null_strings`, …).
    static func mapping(
        _ call: String, top: String = "", events: String = "- type: call.completed",
        time: String = "time: null\ntime_fallback: receipt"
    ) -> String {
        let callLines = call.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var defaults: [String] = []
        for (key, value) in [
            ("vendor_call_id", "c1"), ("direction", "inbound"), ("leg_kind", "normal"), ("status", "ended"),
        ] where !callLines.contains(where: { $0.hasPrefix(key + ":") }) {
            defaults.append("\(key): \(value)")
        }
        let body = (defaults + callLines).filter { !$0.isEmpty }.map { "  " + $0 }.joined(separator: "\n")
        return """
            version: 1
            vendor: test
            \(top)
            events:
            \(indent(events))
            \(time)
            call:
            \(body)

            """
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    }

    static func compile(_ yaml: String, functions: [MappingFunction] = []) throws(LocatedError) -> CompiledMapping {
        try CompiledMapping(yaml: yaml, file: "test.yaml", functions: functions)
    }

    static func json(_ text: String) throws -> JSONValue {
        try JSONParser.parse(text)
    }

    /// Runs a full mapping on a payload, both ways the engine can read one: as a parsed tree and
    /// as a tape over the bytes (the gateway's fast path). The two must agree exactly, events or
    /// error, so every test of the language checks both.
    static func events(
        _ yaml: String, _ payload: String, source: SourceSettings = source, receivedAt: Timestamp = receivedAt,
        functions: [MappingFunction] = []
    ) throws -> [CallEvent] {
        let mapping = try compile(yaml, functions: functions)
        // With their call keys and ids, as the Normalize stage gives them.
        let tree = Result { () throws -> [CallEvent] in
            var events = try mapping.events(from: json(payload), source: source, receivedAt: receivedAt)
            EventIdentity.assign(&events)
            return events
        }
        let tape = Result { () throws -> [CallEvent] in
            var events = try mapping.events(
                from: JSONTape(parsing: Array(payload.utf8)), source: source, receivedAt: receivedAt)
            EventIdentity.assign(&events)
            return events
        }
        switch (tree, tape) {
        case (.success(let a), .success(let b)):
            #expect(a.map { $0.jsonBytes() } == b.map { $0.jsonBytes() }, "the tape and the tree gave different events")
        case (.failure(let a), .failure(let b)):
            #expect("\(a)" == "\(b)", "the tape and the tree failed differently")
        default:
            Issue.record("the tape and the tree disagree: \(tree) against \(tape)")
        }
        return try tree.get()
    }

    /// Runs `mapping(call, top:, events:, time:)` on a payload.
    static func run(
        _ call: String, _ payload: String = "{}", top: String = "", events rules: String = "- type: call.completed",
        time: String = "time: null\ntime_fallback: receipt", source: SourceSettings = source
    ) throws -> [CallEvent] {
        try events(mapping(call, top: top, events: rules, time: time), payload, source: source)
    }

    /// Like `run`, for mappings that produce exactly one event.
    static func one(
        _ call: String, _ payload: String = "{}", top: String = "", events rules: String = "- type: call.completed",
        time: String = "time: null\ntime_fallback: receipt", source: SourceSettings = source
    ) throws -> CallEvent {
        let produced = try run(call, payload, top: top, events: rules, time: time, source: source)
        try #require(produced.count == 1, "expected one event, got \(produced.count)")
        return produced[0]
    }

    /// The `MappingError` a run throws.
    static func runtimeError(
        _ call: String, _ payload: String = "{}", top: String = "", events rules: String = "- type: call.completed",
        time: String = "time: null\ntime_fallback: receipt", source: SourceSettings = source
    ) throws -> MappingError {
        let yaml = mapping(call, top: top, events: rules, time: time)
        let compiled = try compile(yaml)
        let input = try json(payload)
        let error = #expect(throws: MappingError.self) {
            _ = try compiled.events(from: input, source: source, receivedAt: receivedAt)
        }
        return try #require(error)
    }

    /// The `LocatedError` compiling `yaml` throws.
    static func loadError(_ yaml: String, functions: [MappingFunction] = []) throws -> LocatedError {
        let error = #expect(throws: LocatedError.self) { _ = try compile(yaml, functions: functions) }
        return try #require(error)
    }
}

/// The helper itself: the wrapped mapping is valid and the defaults can be overridden.
@Suite struct MappingLanguageHelperTests {
    @Test func defaultsFillTheRequiredFields() throws {
        let event = try MappingLanguage.one("")
        #expect(event.call.vendorCallId == "c1")
        #expect(event.call.direction == .inbound)
        #expect(event.call.status == .ended)
        #expect(event.type == .completed)
        #expect(event.timeSource == .receipt)
        #expect(event.time == MappingLanguage.receivedAt)
    }

    @Test func givenFieldsReplaceTheDefaults() throws {
        let event = try MappingLanguage.one("direction: outbound\nvendor_call_id: \"$.id\"", #"{"id": "X-9"}"#)
        #expect(event.call.direction == .outbound)
        #expect(event.call.vendorCallId == "X-9")
    }
}
