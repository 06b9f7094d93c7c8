import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import CallGateConfig
@testable import CallGatePipeline
@testable import CallGateReceive
@testable import CallGateServer

/// `/metrics` behind `metrics.token`, and a `/readyz` that writes nothing (issue 14, item 5).
@Suite struct MetricsAndReadinessTests {
    @Test func metricsNeedTheTokenWhenOneIsSet() async throws {
        let h = try GatewayHarness.make(yaml: GatewayHarness.yaml + "\nmetrics: { token: metrics-s3cret }\n")
        try await h.test { client async throws in
            let anonymous = try await client.execute(uri: "/metrics", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.errorCode == "unauthorized")
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(!anonymous.text.contains("metrics-s3cret"))
            let wrong = try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer nope"])
            #expect(wrong.status == .unauthorized)
            let scraper = try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer metrics-s3cret"])
            #expect(scraper.status == .ok)
            #expect(scraper.text.contains("callgate_outbox_pending"))
        }
        // Without the setting, open as before.
        try await GatewayHarness.make().test { client async throws in
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .ok)
        }
    }

    @Test func readinessWritesNothing() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-ready-\(UUID()).sqlite").path
        let store = try SQLiteStore(path: path)
        let h = try GatewayHarness.make(yaml: GatewayHarness.yaml, store: store)
        try await h.test { client async throws in
            try await delivering(h.gateway) { () async throws in
                #expect(try await eventually(5) { h.gateway.workers.running != nil })
                let before = await store.commitCounts().transactions
                for _ in 0..<20 {
                    #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
                }
                #expect(await store.commitCounts().transactions == before)
            }
        }
        try await store.close()
        await #expect(throws: StoreError.self) { try await store.checkWritable() }
    }
}
