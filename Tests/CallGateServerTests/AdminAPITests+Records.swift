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

/// `/v1/admin/…` for quarantine, calls, one delivery and the mapping dry run.
extension AdminAPITests {
    static var adminJSON: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    @Test(arguments: StoreKind.available) func quarantineIsListedShownAndReplayed(_ kind: StoreKind) async throws {
        let harness = try await GatewayHarness.make(yaml: Self.yaml, store: kind)
        try await harness.test { client in
            // A payload the mapping cannot use (no call details): quarantined with a 422.
            let unmappable = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: buffer(#"{"call":{"id":"q-1"}}"#))
            #expect(unmappable.status == .unprocessableContent)
            let malformed = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: buffer(#"{"call""#))
            let id = try #require(malformed.json["error"]?["quarantine_id"]?.numberValue)

            let first = try await client.execute(uri: "/v1/admin/quarantine?limit=1", method: .get, headers: Self.admin)
            #expect(first.json["quarantine"]?.arrayValue?.count == 1)
            #expect(first.json["quarantine"]?.arrayValue?.first?["body"] == nil)
            let cursor = try #require(first.json["next"]?.stringValue)
            let second = try await client.execute(
                uri: "/v1/admin/quarantine?limit=1&after=\(cursor)", method: .get, headers: Self.admin)
            #expect(second.json["quarantine"]?.arrayValue?.first?["id"]?.numberValue == id)
            #expect(second.json["next"] == .null)

            let shown = try await client.execute(
                uri: "/v1/admin/quarantine/\(Int(id))", method: .get, headers: Self.admin)
            #expect(shown.json["body"] == #"{"call""#)
            #expect(shown.json["code"] == "malformed_body")
            #expect(shown.json["status"] == 400)

            // Still malformed: replaying fails with the reason and leaves it quarantined.
            let failed = try await client.execute(
                uri: "/v1/admin/quarantine/\(Int(id))/replay", method: .post, headers: Self.admin)
            #expect(failed.status == .unprocessableContent)
            #expect(try await harness.store.quarantineEntry(id: Int64(id))?.resolvedAt == nil)

            // A payload that maps once replayed: stored, resolved, and not replayed twice.
            let good = try fixtureBody("miitel", "speech-recognition-ja")
            let entry = try await harness.store.quarantine(
                QuarantineEntry(
                    source: "miitel", receivedAt: .now, contentType: "application/json", query: nil, body: good,
                    status: 422, code: "unmappable_payload", error: "was broken"))
            let replayed = try await client.execute(
                uri: "/v1/admin/quarantine/\(entry)/replay", method: .post, headers: Self.admin)
            #expect(replayed.status == .ok, "\(replayed.json)")
            #expect(replayed.json["replayed"] == true)
            #expect((replayed.json["new_events"]?.numberValue ?? 0) >= 1)
            let again = try await client.execute(
                uri: "/v1/admin/quarantine/\(entry)/replay", method: .post, headers: Self.admin)
            #expect(again.status == .conflict)
            let resolved = try await client.execute(
                uri: "/v1/admin/quarantine?resolved=true", method: .get, headers: Self.admin)
            #expect(resolved.json["quarantine"]?.arrayValue?.count == 3)

            for uri in ["/v1/admin/quarantine/0", "/v1/admin/quarantine/x", "/v1/admin/quarantine?resolved=maybe"] {
                let bad = try await client.execute(uri: uri, method: .get, headers: Self.admin)
                #expect(bad.status == .badRequest, "\(uri)")
            }
            let missing = try await client.execute(uri: "/v1/admin/quarantine/999", method: .get, headers: Self.admin)
            #expect(missing.status == .notFound)
        }
    }

    @Test(arguments: StoreKind.available) func aCallIsShownWithItsEventsAndOneDeliveryIsSentAgain(_ kind: StoreKind)
        async throws
    {
        let harness = try await GatewayHarness.make(yaml: Self.yaml, store: kind)
        try await harness.test { client in
            let ingest = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json,
                body: buffer(try fixtureBody("miitel", "speech-recognition-ja")))
            let key = try #require(ingest.json["call_key"]?.stringValue)
            let call = try await client.execute(uri: "/v1/admin/calls/\(key)", method: .get, headers: Self.admin)
            #expect(call.status == .ok)
            #expect(call.json["call"]?["call_key"]?.stringValue == key)
            #expect(call.json["events"]?.arrayValue?.first?["id"] == ingest.json["id"])
            let unknown = try await client.execute(uri: "/v1/admin/calls/call_nope", method: .get, headers: Self.admin)
            #expect(unknown.status == .notFound)

            let eventId = try #require(ingest.json["id"]?.stringValue)
            let rows = try await client.execute(
                uri: "/v1/admin/deliveries?event_id=\(eventId)&sink=archive", method: .get, headers: Self.admin)
            let row = try #require(rows.json["deliveries"]?.arrayValue?.first)
            let id = Int64(try #require(row["id"]?.numberValue))
            try await harness.store.recordAttempt(
                DeliveryAttempt(
                    deliveryId: id, at: .now, statusCode: 200, latencyMilliseconds: 1, error: nil, result: .delivered))
            let again = try await client.execute(
                uri: "/v1/admin/deliveries/\(id)/replay", method: .post, headers: Self.admin)
            #expect(again.status == .ok)
            #expect(again.json["status"] == "pending")
            #expect(try await harness.store.delivery(id: id)?.status == .pending)
            let missing = try await client.execute(
                uri: "/v1/admin/deliveries/999/replay", method: .post, headers: Self.admin)
            #expect(missing.status == .notFound)
        }
    }

    @Test func aDryRunMapsWithoutStoringAnything() async throws {
        let harness = try GatewayHarness.make(yaml: Self.yaml)
        try await harness.test { client in
            let body = try fixtureBody("miitel", "speech-recognition-ja")
            let mapped = try await client.execute(
                uri: "/v1/admin/map?source=miitel", method: .post, headers: Self.adminJSON, body: buffer(body))
            #expect(mapped.status == .ok)
            let expected = try Golden.events("miitel", "speech-recognition-ja")
            #expect(mapped.json["events"]?.arrayValue?.map { $0["id"] } == expected.map { .string($0.id) })
            #expect(try await harness.store.events(callKey: nil, limit: 10).isEmpty)
            #expect(try await harness.store.deliveries(status: nil, sink: nil).isEmpty)

            // BIZTEL actions arrive as query parameters: `query` carries them.
            let query = try String(
                contentsOf: PackageRoot.path("Tests/Fixtures/biztel/abandoned-1-incoming.query"), encoding: .utf8)
            let biztel = try await client.execute(
                uri:
                    "/v1/admin/map?source=biztel&query=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                method: .post, headers: Self.admin)
            #expect(biztel.status == .ok, "\(biztel.json)")
            let golden = try JSONParser.parse(
                Array(
                    try Data(contentsOf: PackageRoot.path("Tests/Fixtures/biztel/abandoned-1-incoming.expected.json"))))
            #expect(biztel.json["events"]?.arrayValue?.map { $0["type"] } == golden.arrayValue?.map { $0["type"] })
            // What each routed sink would be sent (this harness's sinks have no transform: the body
            // as stored, its format named).
            let deliveries = try #require(biztel.json["deliveries"]?.arrayValue)
            #expect(!deliveries.isEmpty)
            #expect(deliveries.allSatisfy { $0["event_id"] == biztel.json["events"]?.arrayValue?.first?["id"] })

            let challenge = try await client.execute(
                uri: "/v1/admin/map?source=miitel", method: .post, headers: Self.adminJSON,
                body: buffer(#"{"challenge":"abc"}"#))
            #expect(challenge.json["handshake"] == true)
            for (uri, body, status) in [
                ("/v1/admin/map", "{}", HTTPResponse.Status.badRequest),
                ("/v1/admin/map?source=nope", "{}", .notFound),
                ("/v1/admin/map?source=miitel", #"{"call""#, .badRequest),
                ("/v1/admin/map?source=miitel", #"{"call":{"id":"x"}}"#, .unprocessableContent),
            ] {
                let response = try await client.execute(
                    uri: uri, method: .post, headers: Self.adminJSON, body: buffer(body))
                #expect(response.status == status, "\(uri) \(body): \(response.json)")
            }
            let unauthenticated = try await client.execute(
                uri: "/v1/admin/map?source=miitel", method: .post, headers: Self.json, body: buffer(body))
            #expect(unauthenticated.status == .unauthorized)
        }
    }
}

/// The admin dry run shows each routed sink's request, seeing the call as the store merged it.
@Suite struct AdminOutboundPreviewTests {
    @Test func aDryRunShowsWhatEachTransformWouldSend() async throws {
        let sinks = """
            sinks:
              - id: miitel-analytics
                type: http
                url: http://127.0.0.1:9/miitel/webhook
                transform: miitel_incoming
                events: [call.ended]
                tables: { miitel_users: { "201": u-201 }, miitel_settings: { audio_file_type: WAV } }
              - id: hubspot
                type: http
                url: http://127.0.0.1:9/crm/v3/objects/calls
                transform: hubspot_calls
                auth: { bearer: "hubspot-s3cret" }
            """
        let yaml = AdminAPITests.yaml.components(separatedBy: "sinks:")[0] + sinks
        let harness = try GatewayHarness.make(yaml: yaml)
        try await harness.test { client in
            // 着信 and 応答 stored; 切断 dry-run: MiiTel's history needs the start time and agent the
            // earlier actions gave, which the preview takes from the stored call.
            for query in [
                "event=%E7%9D%80%E4%BF%A1&id=77.1&tel=09012345678&did=0312345678", "event=answer&id=77.1&agent=201",
            ] {
                let stored = try await client.execute(
                    uri: "/v1/ingest/biztel?key=biztel-key-s3cret&\(query)", method: .get)
                #expect(stored.status == .ok)
            }
            let response = try await client.execute(
                uri: "/v1/admin/map?source=biztel&query=event%3Dhangup%26id%3D77.1",
                method: .post, headers: AdminAPITests.admin)
            #expect(response.status == .ok, "\(response.json)")
            let deliveries = try #require(response.json["deliveries"]?.arrayValue)
            #expect(deliveries.compactMap { $0["sink"]?.stringValue }.sorted() == ["hubspot", "miitel-analytics"])
            let miitel = try #require(deliveries.first { $0["sink"] == "miitel-analytics" })
            #expect(miitel["error"] == nil, "\(miitel)")
            let history = try #require(miitel["request"]?["body"]?["call_data"]?.arrayValue?.first)
            #expect(history["event_type"] == "INCOMING_CALL")
            #expect(history["call_answered_at"] != .null)
            #expect(history["participants"]?.arrayValue?.last?["miitel_user_id"] == "u-201")
            #expect(miitel["request"]?["method"] == "POST")
            let hubspot = try #require(deliveries.first { $0["sink"] == "hubspot" })
            #expect(hubspot["request"]?["body"]?["properties"]?["hs_call_status"] == "COMPLETED")
            #expect(hubspot["request"]?["authentication"] == ["bearer"])
            #expect(!String(buffer: response.body).contains("hubspot-s3cret"))
            // Nothing was stored or sent by the dry run.
            #expect(try await harness.store.events(callKey: nil, limit: 10).count == 2)
        }
    }
}
