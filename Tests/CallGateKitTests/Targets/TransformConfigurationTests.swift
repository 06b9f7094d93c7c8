import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGatePipeline
import Foundation
import Testing

/// A sink's `transform`, `tables`, `recording` and `order` (Docs/targets.md, "Configuration"):
/// each mistake is refused when the configuration loads, at its line.
@Suite struct TransformConfigurationTests {
    static let head = "sources:\n  - { id: biztel, adapter: biztel }\nsinks:\n"

    /// The errors of loading `sinks` (YAML list items) with the bundled mappings, or [] when it loads.
    static func errors(_ sinks: String, files: [String: String] = [:]) throws -> [LocatedError] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-transform-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        let file = dir.appendingPathComponent("callgate.yaml")
        try Data((head + sinks).utf8).write(to: file)
        do {
            _ = try Normalizer.load(configFile: file.path, environment: [:])
            return []
        } catch {
            return error.errors
        }
    }

    static func message(_ sinks: String, files: [String: String] = [:]) throws -> String {
        try errors(sinks, files: files).map(\.description).joined(separator: "\n")
    }

    @Test func mistakesAreRefusedAtTheirLine() throws {
        let http = "  - id: s\n    type: http\n    url: https://x.example\n"
        #expect(try Self.errors(http + "    transform: hubspot_calls\n").isEmpty)
        #expect(
            try Self.message(http + "    transform: nosuch\n").contains(
                "callgate.yaml:7:16: sink 's': no bundled transform 'nosuch' (bundled: hubspot_calls, miitel_incoming, pipedrive_call_logs, salesforce_tasks, slack_message, zendesk_talk_calls)"
            ))
        #expect(
            try Self.message(http + "    transform: ./missing.yaml\n").contains(
                "cannot read transform file ./missing.yaml"))
        #expect(
            try Self.message(
                http + "    transform: ./mine.yaml\n",
                files: ["mine.yaml": "version: 1\ntarget: mine\ncreate:\n  method: GET\n  body: {}\n"]
            ).contains("mine.yaml:4:11: 'method' is POST, PUT or PATCH"))
        #expect(
            try Self.message("  - { id: f, type: file, path: x.jsonl, transform: hubspot_calls }\n").contains(
                "transform needs an http sink"))
        #expect(
            try Self.message(http + "    format: cloudevents\n    transform: hubspot_calls\n").contains(
                "a transform writes its own body: leave format out"))
        #expect(try Self.message(http + "    recording: { upload: true }\n").contains("recording needs a transform"))
        #expect(
            try Self.message(http + "    transform: slack_message\n    recording: { upload: true }\n").contains(
                "recording upload needs a transform that keeps one record per call"))
        #expect(
            try Self.message(http + "    transform: miitel_incoming\n    recording: { upload_url: \"$[\" }\n").contains(
                "recording.upload_url is a JSONPath into the answer"))
        #expect(
            try Self.message(http + "    transform: miitel_incoming\n    recording: { wait: forever }\n").contains(
                "recording.wait"))
        #expect(try Self.message(http + "    tables: { users: [a, b] }\n").contains("table 'users' is a mapping"))
        #expect(try Self.message(http + "    order: random\n").contains("order"))
    }

    @Test func orderDefaultsToPerCallForTargetsThatKeepOneRecord() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-order-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("callgate.yaml")
        try Data(
            (Self.head + """
                  - { id: hubspot, type: http, url: "https://x.example", transform: hubspot_calls }
                  - { id: slack, type: http, url: "https://x.example", transform: slack_message }
                  - { id: plain, type: http, url: "https://x.example" }
                  - { id: ordered, type: http, url: "https://x.example", order: per_call }
                  - { id: unordered, type: http, url: "https://x.example", transform: hubspot_calls, order: arrival }
                """).utf8
        ).write(to: file)
        let sinks = try Normalizer.load(configFile: file.path, environment: [:]).config.sinks
        #expect(sinks.map(\.effectiveOrder) == [.perCall, .arrival, .arrival, .perCall, .arrival])
        #expect(sinks[0].transform?.mapping?.target == "hubspot_calls")
    }
}
