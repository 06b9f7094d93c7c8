import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateTestSupport
import Testing

/// Outbound mappings as a language: their load-time checks (file:line:column) and the operators
/// they lean on.
@Suite struct TargetLanguageTests {
    static func compile(_ yaml: String) throws(LocatedError) -> TargetMapping {
        try TargetMapping(yaml: yaml, file: "t.yaml")
    }

    static func run(_ body: String, event: CallEvent? = nil, tables: JSONValue = [:]) throws -> JSONValue {
        let mapping = try compile("version: 1\ntarget: t\ncreate:\n  body: \(body)\n")
        var e = try event ?? Targets.answeredInbound()
        guard
            case .send(let request) = try mapping.plan(
                TargetInput(event: e.jsonBytes(), sink: "s", url: "https://x.example", tables: tables))
        else { throw FixtureMissing(name: "send") }
        return request.body
    }

    @Test func loadErrorsPointAtTheLine() {
        func error(_ yaml: String) -> String {
            do {
                _ = try Self.compile(yaml)
                return "compiled"
            } catch {
                return error.description
            }
        }
        #expect(error("version: 1\ntarget: t\ncreate:\n  body: { map: $call.status }\n").hasPrefix("t.yaml:4:"))
        #expect(
            error("version: 1\ntarget: t\ncreate:\n  method: GET\n  body: {}\n")
                == "t.yaml:4:11: 'method' is POST, PUT or PATCH")
        #expect(
            error("version: 1\ntarget: t\ncreate:\n  body: {}\nupdate:\n  body: {}\n").contains(
                "'create' needs 'destination_id'"))
        #expect(error("version: 1\ntarget: t\ncreate:\n  body: $nope\n").contains("unknown variable '$nope'"))
        #expect(error("version: 1\ntarget: t\ncreate:\n  body: {}\ncolour: red\n").contains("colour"))
        #expect(error("version: 1\nvendor: t\ncreate:\n  body: {}\n").contains("target"))
    }

    @Test func operators() throws {
        #expect(try Self.run("{ multiply: [$call.durations.total, 1000] }") == .int(237_000))
        #expect(try Self.run("{ round: { multiply: [0.0354, 1000] } }") == .int(35))
        #expect(try Self.run("{ extension: $call.recording.url }") == "mp3")
        #expect(try Self.run("{ extension: \"https://h.example/a.b/file\" }") == .null)
        #expect(try Self.run("{ format_time: $call.started_at, format: unix_ms }") == .int(1_715_652_080_000))
        #expect(try Self.run("{ format_time: $call.started_at, format: date }") == "2024-05-14")
        #expect(try Self.run("{ format_time: $call.started_at, format: utc_datetime }") == "2024-05-14 02:01:20")
        #expect(
            try Self.run(
                "{ lookup: [$call.agent.id, $call.agent.email], in: $tables.u }", tables: ["u": ["73937": "x"]]) == "x")
        #expect(try Self.run("{ lookup: [$call.agent.id], in: $tables.u }", tables: ["u": [:]]) == .null)
        #expect(try Self.run("{ compact: { a: null, b: \"\", c: 1, number: 2 } }") == ["c": 1, "number": 2])
        #expect(try Self.run("{ a: null }") == ["a": .null])  // outbound objects keep nulls
        #expect(
            try Self.run("{ if: { starts_with: [$call.recording.url, \"https://\"] }, then: yes, else: no }") == "yes")
        #expect(try Self.run("{ if: { starts_with: [$call.from.raw, \"https://\"] }, then: yes, else: no }") == "no")
        #expect(throws: MappingError.self) {
            try Self.run("{ require: $call.summary, message: \"no summary for {{ $call.vendor_call_id }}\" }")
        }
        do {
            _ = try Self.run(
                "{ x: { require: $call.summary, message: \"no summary for {{ $call.vendor_call_id }}\" } }")
        } catch let error as MappingError {
            #expect(error.description == "create.body.x: no summary for 58201")
        }
    }
}
