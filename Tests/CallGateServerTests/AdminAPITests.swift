import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import CallGateTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/v1/admin/…` for deliveries and sinks, behind the admin bearer token.
@Suite struct AdminAPITests {
    static let token = "admin-s3cret-token"
    static var yaml: String {
        GatewayHarness.yaml.replacingOccurrences(
            of: "store: { sqlite: unused.sqlite }", with: "store: { sqlite: unused.sqlite }\nadmin: { token: \(token) }"
        )
    }
    static var admin: HTTPFields { [.authorization: "Bearer \(token)"] }
    static var json: HTTPFields { [.contentType: "application/json"] }

    @Test func withoutATokenTheAdminAPIIsOff() async throws {
        let harness = try GatewayHarness.make()
        try await harness.test { client in
            let response = try await client.execute(uri: "/v1/admin/deliveries", method: .get, headers: Self.admin)
            #expect(response.status == .notFound)
        }
    }

    @Test func aMissingOrWrongTokenIsRefused() async throws {
        let harness = try GatewayHarness.make(yaml: Self.yaml)
        try await harness.test { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong"], [.authorization: "Basic \(Self.token)"]]
            {
                let response = try await client.execute(uri: "/v1/admin/sinks", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(response.errorCode == "unauthorized")
            }
            #expect(!harness.logs.all.contains(Self.token))
        }
    }

    @Test(arguments: StoreKind.available) func deliveriesArePagedAndShownWithTheirAttempts(_ kind: StoreKind)
        async throws
    {
        let harness = try await GatewayHarness.make(yaml: Self.yaml, store: kind)
        try await harness.test { client in
            let body = try fixtureBody("miitel", "speech-recognition-ja")
            let ingest = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: buffer(body))
            #expect(ingest.status == .ok)
            // Two sinks take call.completed: two rows.
            let first = try await client.execute(
                uri: "/v1/admin/deliveries?limit=1", method: .get, headers: Self.admin)
            #expect(first.status == .ok)
            #expect(first.json["deliveries"]?.arrayValue?.count == 1)
            let cursor = try #require(first.json["next"]?.stringValue)
            let second = try await client.execute(
                uri: "/v1/admin/deliveries?limit=1&after=\(cursor)", method: .get, headers: Self.admin)
            #expect(second.json["deliveries"]?.arrayValue?.count == 1)
            #expect(second.json["next"] == .null)
            #expect(
                second.json["deliveries"]?.arrayValue?.first?["id"]
                    != first.json["deliveries"]?.arrayValue?.first?["id"])

            let pending = try await client.execute(
                uri: "/v1/admin/deliveries?status=pending&sink=archive", method: .get, headers: Self.admin)
            let row = try #require(pending.json["deliveries"]?.arrayValue?.first)
            #expect(row["sink"] == "archive")
            #expect(row["event_id"] == ingest.json["id"])
            let id = Int64(try #require(row["id"]?.numberValue))

            try await harness.store.recordAttempt(
                DeliveryAttempt(
                    deliveryId: id, at: .now, statusCode: 400, latencyMilliseconds: 4, error: "HTTP 400",
                    result: .dead))
            let shown = try await client.execute(uri: "/v1/admin/deliveries/\(id)", method: .get, headers: Self.admin)
            #expect(shown.json["status"] == "dead")
            let attempt = shown.json["attempts_made"]?.arrayValue?.first
            #expect(attempt?["status_code"] == 400)
            #expect(attempt?["result"] == "dead")

            let bad = try await client.execute(
                uri: "/v1/admin/deliveries?status=lost", method: .get, headers: Self.admin)
            #expect(bad.status == .badRequest)
            for query in ["limit=0", "limit=lots", "after=-1"] {
                let unreadable = try await client.execute(
                    uri: "/v1/admin/deliveries?\(query)", method: .get, headers: Self.admin)
                #expect(unreadable.status == .badRequest, "\(query)")
            }
            let missing = try await client.execute(uri: "/v1/admin/deliveries/999", method: .get, headers: Self.admin)
            #expect(missing.status == .notFound)

            let unknown = try await client.execute(
                uri: "/v1/admin/deliveries/replay?sink=nope", method: .post, headers: Self.admin)
            #expect(unknown.status == .notFound)
            let replay = try await client.execute(
                uri: "/v1/admin/deliveries/replay?sink=archive", method: .post, headers: Self.admin)
            #expect(replay.json["replayed"] == 1)
            #expect(try await harness.store.deliveries(status: .dead, sink: nil).isEmpty)
        }
    }

    @Test func sinksAreListedDisabledAndEnabled() async throws {
        let harness = try GatewayHarness.make(yaml: Self.yaml)
        try await harness.test { client in
            let disable = try await client.execute(
                uri: "/v1/admin/sinks/archive/disable", method: .post, headers: Self.admin)
            #expect(disable.json["enabled"] == false)
            var sinks = try await client.execute(uri: "/v1/admin/sinks", method: .get, headers: Self.admin)
            #expect(sinks.json["sinks"]?.arrayValue?.map { $0["enabled"] } == [false, true])
            #expect(try await harness.store.disabledSinks().map(\.sink) == ["archive"])
            _ = try await client.execute(uri: "/v1/admin/sinks/archive/enable", method: .post, headers: Self.admin)
            sinks = try await client.execute(uri: "/v1/admin/sinks", method: .get, headers: Self.admin)
            #expect(sinks.json["sinks"]?.arrayValue?.map { $0["enabled"] } == [true, true])
            let unknown = try await client.execute(
                uri: "/v1/admin/sinks/nope/enable", method: .post, headers: Self.admin)
            #expect(unknown.status == .notFound)
        }
    }
}

/// Docs/delivery.md ("Sinks"): which sinks an event is owed to, decided when it is stored.
@Suite struct SinkRoutingTests {
    @Test func eventsSourcesAndWhenFilterTheOutbox() async throws {
        let sinks = """
            sinks:
              - { id: completed, type: file, path: a.jsonl, events: [call.completed] }
              - { id: voicemail, type: file, path: b.jsonl, events: [call.voicemail] }
              - { id: from-udesk, type: file, path: c.jsonl, sources: [udesk] }
              - { id: from-miitel, type: file, path: d.jsonl, sources: [miitel] }
              - { id: outbound, type: file, path: e.jsonl, when: { eq: [$.call.direction, outbound] } }
              - { id: inbound, type: file, path: f.jsonl, when: { eq: [$.call.direction, inbound] } }
            """
        let yaml = GatewayHarness.yaml.components(separatedBy: "sinks:")[0] + sinks
        let harness = try GatewayHarness.make(yaml: yaml)
        try await harness.test { client in
            // The published MiiTel sample: an outbound call.completed from source miitel.
            let response = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: [.contentType: "application/json"],
                body: buffer(try fixtureBody("miitel", "speech-recognition-ja")))
            #expect(response.status == .ok)
        }
        let routed = try await harness.store.deliveries(status: nil, sink: nil).map(\.sink).sorted()
        #expect(routed == ["completed", "from-miitel", "outbound"])
    }
}
