import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import CallGateTestSupport
import Foundation
import Logging
import Testing

/// An ingest wakes the delivery workers of the sinks that got outbox rows, and only those.
@Suite struct SinkWakeupTests {
    @Test func onlyTheSinksThatGotRowsAreWoken() async throws {
        let config = try DeliveryHarness.writeConfig(
            sinks: """
                  - { id: everything, type: file, path: all.jsonl }
                  - { id: voicemail, type: file, path: voicemail.jsonl, events: [call.voicemail] }
                """)
        let store = MemoryStore()
        let service = try IngestService(
            normalizer: try Normalizer.load(configFile: config.path, environment: [:]), store: store,
            logger: Logger(label: "test"))
        let everything = try #require(service.wakeups.bySink["everything"])
        let voicemail = try #require(service.wakeups.bySink["voicemail"])
        let body = Array(try Data(contentsOf: PackageRoot.fixture("miitel/speech-recognition-ja.json")))
        let request = InboundRequest(contentType: "application/json", body: body)

        #expect(await service.handle(request, source: "miitel").status == 200)
        #expect(try await store.deliveries(status: .pending, sink: nil).map(\.sink) == ["everything"])
        #expect(await everything.hasPendingSignal)
        #expect(await !voicemail.hasPendingSignal)

        // The identical re-send writes no rows, so it wakes no one.
        await everything.wait(upTo: .zero)
        #expect(await service.handle(request, source: "miitel").status == 200)
        #expect(await !everything.hasPendingSignal)
        #expect(await !voicemail.hasPendingSignal)
    }
}
