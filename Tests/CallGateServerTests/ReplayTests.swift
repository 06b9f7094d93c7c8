import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateServer
import CallGateStore
import CallGateTestSupport
import Foundation
import Logging
import Testing

/// `callgate replay`: quarantined payloads once the mapping is fixed, and re-derivation of stored
/// requests after a mapping change.
@Suite struct ReplayTests {
    /// A configuration with one PBX source whose mapping text is given.
    static func service(pbxMapping: String, store: any CallStore) throws -> IngestService {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try pbxMapping.write(to: directory.appendingPathComponent("pbx.yaml"), atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("callgate.yaml")
        try """
        sources:
          - { id: pbx, adapter: pbx, region: JP, timezone: Asia/Tokyo, mapping: pbx.yaml }
        sinks:
          - { id: archive, type: file, path: events.jsonl }
        """.write(to: config, atomically: true, encoding: .utf8)
        let normalizer = try Normalizer.load(configFile: config.path, environment: [:])
        return try IngestService(normalizer: normalizer, store: store, logger: Logger(label: "test"))
    }

    static var shippedMapping: String {
        get throws { try String(contentsOf: PackageRoot.path("Mappings/pbx.yaml"), encoding: .utf8) }
    }

    /// The shipped PBX mapping does not know `CONFERENCE`; the fix adds it.
    static var fixedMapping: String {
        get throws {
            // Every table that lists EXTENSION_TRANSFER gets CONFERENCE with the same value.
            try shippedMapping.replacingOccurrences(
                of: #"\n( +)EXTENSION_TRANSFER: (\w+)"#, with: "\n$1EXTENSION_TRANSFER: $2\n$1CONFERENCE: $2",
                options: .regularExpression)
        }
    }

    static func request(_ body: [UInt8]) -> InboundRequest {
        InboundRequest(contentType: "application/json", body: body)
    }

    @Test func aQuarantinedPayloadIsStoredOnceTheMappingIsFixed() async throws {
        #expect(try Self.fixedMapping != Self.shippedMapping)
        let store = MemoryStore()
        let body = try Array(Data(contentsOf: PackageRoot.fixture("pbx/invalid/unknown-event-type.txt")))
        let before = try Self.service(pbxMapping: Self.shippedMapping, store: store)
        let response = await before.handle(Self.request(body), source: "pbx")
        #expect(response.status == 422)
        #expect(try await store.quarantined(source: "pbx", includeResolved: false).count == 1)

        // Replaying with the old mapping changes nothing.
        let unchanged = try await Replayer(service: before, history: store).replayQuarantined(now: Golden.receivedAt)
        #expect(unchanged.succeeded == 0)
        #expect(unchanged.failed.count == 1)
        #expect(unchanged.failed.first?.error.contains("CONFERENCE") == true)

        let after = try Self.service(pbxMapping: Self.fixedMapping, store: store)
        let report = try await Replayer(service: after, history: store).replayQuarantined(now: Golden.receivedAt)
        #expect(report.succeeded == 1)
        #expect(report.newEvents == 5)
        #expect(report.failed.isEmpty)
        #expect(try await store.quarantined(source: "pbx", includeResolved: false).isEmpty)
        #expect(
            try await store.quarantined(source: "pbx", includeResolved: true).first?.resolvedAt == Golden.receivedAt)
        #expect(await store.events(callKey: nil, limit: 100).count == 5)
        // Replaying again finds nothing left to do.
        let again = try await Replayer(service: after, history: store).replayQuarantined(now: Golden.receivedAt)
        #expect(again == Replayer.Report())
        #expect(try await store.deliveries(status: .pending, sink: "archive").count == 5)
    }

    @Test func reprocessingMakesNewRevisionsOnlyWhereContentChanged() async throws {
        let store = MemoryStore()
        let body = try Array(Data(contentsOf: PackageRoot.fixture("pbx/batch.json")))
        let first = try Self.service(pbxMapping: Self.shippedMapping, store: store)
        #expect(await first.handle(Self.request(body), source: "pbx").status == 200)
        let stored = await store.events(callKey: nil, limit: 100)
        #expect(stored.count >= 2)

        // Same mapping: everything is unchanged.
        let same = try await Replayer(service: first, history: store).reprocess(since: Timestamp(seconds: 0))
        #expect(same.newEvents == 0)
        #expect(same.unchangedEvents == stored.count)

        // A mapping change that touches only voicemail legs (AUTOMATIC_RECORD) re-derives those.
        let changed = try Self.shippedMapping.replacingOccurrences(
            of: "  - when: { eq: [\"@.event_type\", AUTOMATIC_RECORD] }\n    type: call.voicemail\n",
            with: "  - when: { eq: [\"@.event_type\", AUTOMATIC_RECORD] }\n    type: call.completed\n")
        #expect(changed != (try Self.shippedMapping))
        let second = try Self.service(pbxMapping: changed, store: store)
        let report = try await Replayer(service: second, history: store).reprocess(since: Timestamp(seconds: 0))
        let voicemails = stored.filter { $0.type == .voicemail }.count
        #expect(voicemails > 0)
        #expect(report.newEvents == voicemails)
        #expect(report.unchangedEvents == stored.count - voicemails)
        // The raw request was not stored twice.
        #expect(try await store.requests(source: nil, since: Timestamp(seconds: 0)).count == 1)
    }
}
