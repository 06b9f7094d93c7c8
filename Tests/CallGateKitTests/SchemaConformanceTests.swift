import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Foundation
import Testing

/// Every event produced from every fixture validates against `Docs/schema/callgate.call.v1.json`,
/// checked by the Python `jsonschema` package (not by our own code), so the schema and the
/// encoder cannot drift apart.
@Suite struct SchemaConformanceTests {
    static let vendors = ["miitel", "udesk", "biztel", "pbx"]

    static func allEvents() throws -> [JSONValue] {
        var events: [JSONValue] = []
        for vendor in vendors {
            for fixture in Golden.fixtures(vendor) {
                if case .events(let produced) = try Golden.process(try fixture.request(), source: vendor) {
                    events += produced.map(\.json)
                }
            }
        }
        return events
    }

    @Test(.enabled(if: PythonOracle.shouldRun("jsonschema")))
    func everyFixtureEventValidatesWithJSONSchema() throws {
        let events = try Self.allEvents()
        #expect(events.count >= 60)
        let input = Data(JSONWriter.compact.bytes(.array(events)))
        let result = try PythonOracle.script("validate_events.py", stdin: input)
        let report = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0, "\(report)\n\(result.stderr)")
        #expect(report.contains("\(events.count) valid, 0 invalid"), "\(report)")
    }

    @Test(.enabled(if: PythonOracle.shouldRun("jsonschema")))
    func schemaRejectsWhatTheModelForbids() throws {
        var event = try #require(try Golden.events("miitel", "speech-recognition-ja").first).json
        guard case .object(var o) = event, case .object(var call)? = o["call"] else { return }
        call["thread_key"] = ""
        call["status"] = "ringing"
        o["call"] = .object(call)
        event = .object(o)
        let result = try PythonOracle.script(
            "validate_events.py", stdin: Data(JSONWriter.compact.bytes(.array([event]))))
        let report = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 1)
        #expect(report.contains("thread_key"))
        #expect(report.contains("outcome"))
    }
}
