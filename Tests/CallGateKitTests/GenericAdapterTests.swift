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

/// `adapter: generic` with a mapping file serves a vendor CallGate has no Swift code for.
@Suite struct GenericAdapterTests {
    static let mapping = """
        version: 1
        vendor: acme
        for_each: $.calls[*]
        events:
          - when: { eq: ["@.state", done] }
            type: call.completed
          - type: call.ringing
        vendor_event: "@.state"
        time: { time: "@.ts", format: epoch_ms }
        call:
          vendor_call_id: { string: "@.id" }
          direction: { map: "@.dir", values: { in: inbound, out: outbound }, default: unknown }
          leg_kind: normal
          status: { map: "@.state", values: { done: ended, ringing: ringing } }
          outcome: { if: { eq: ["@.state", done] }, then: { if: { exists: "@.talk" }, then: answered, else: no_answer } }
          from: "@.caller"
          durations: { talk: "@.talk" }
          custom: { object: { team: $._query.team } }
        """

    static func normalizer() throws -> Normalizer {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-generic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(mapping.utf8).write(to: dir.appendingPathComponent("acme.yaml"))
        let config = """
            sources:
              - id: acme
                adapter: generic
                mapping: acme.yaml
                region: US
            """
        try Data(config.utf8).write(to: dir.appendingPathComponent("callgate.yaml"))
        return try Normalizer.load(configFile: dir.appendingPathComponent("callgate.yaml").path, environment: [:])
    }

    @Test func aYAMLOnlyVendorProducesCanonicalEvents() throws {
        let pipeline = try #require(try Self.normalizer().pipeline(for: "acme"))
        let body =
            #"{"calls":[{"id":7,"dir":"in","state":"done","ts":1718000000000,"caller":"(212) 555-0123","talk":42},{"id":8,"dir":"out","state":"ringing","ts":1718000001500}]}"#
        let request = InboundRequest(contentType: "application/json", query: [("team", "red")], body: Array(body.utf8))
        guard case .events(let events) = try pipeline.process(request, receivedAt: Golden.receivedAt) else {
            Issue.record("expected events")
            return
        }
        #expect(events.count == 2)
        #expect(events[0].vendor == "acme")
        #expect(events[0].type == .completed)
        #expect(events[0].call.outcome == .answered)
        #expect(events[0].call.from?.e164 == "+12125550123")
        #expect(events[0].time.description == "2024-06-10T06:13:20Z")
        #expect(events[0].call.durations.talk == 42)
        #expect(events[0].call.custom["team"] == "red")
        #expect(events[1].type == .ringing)
        #expect(events[1].call.direction == .outbound)
        #expect(events[1].time.description == "2024-06-10T06:13:21.500Z")
    }

    @Test func genericAdapterNeedsAMappingFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-nomap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("callgate.yaml")
        try Data("sources:\n  - id: acme\n    adapter: generic\n".utf8).write(to: file)
        #expect(throws: Normalizer.LoadErrors.self) { try Normalizer.load(configFile: file.path, environment: [:]) }
    }
}
