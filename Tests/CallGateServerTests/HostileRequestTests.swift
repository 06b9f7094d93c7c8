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
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 14 through the HTTP endpoint: generic 401s, limits named in the answer, values that used
/// to trap quarantined with their field, and replayed Standard Webhooks ids.
@Suite struct HostileRequestTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test func a401SaysNothingOfHowTheSourceIsProtected() async throws {
        let h = try GatewayHarness.make()
        try await h.test { client async throws in
            for uri in ["/v1/ingest/miitel-bearer", "/v1/ingest/pbx", "/v1/ingest/biztel?event=x"] {
                let refused = try await client.execute(
                    uri: uri, method: .post, headers: Self.json, body: buffer(#"{"a":1}"#))
                #expect(refused.status == .unauthorized, "\(uri)")
                #expect(refused.json["error"]?["message"] == "missing or invalid credentials", "\(uri)")
                #expect(!refused.text.contains("bearer") && !refused.text.contains("key"), "\(uri)")
            }
        }
        // The operator still learns what was expected.
        #expect(h.logs.all.contains("expected a bearer token"))
        #expect(h.logs.all.contains("expected the 'key' parameter"))
    }

    @Test func anObjectOverTheMemberCapIsRefusedWithTheLimitNamed() async throws {
        let h = try GatewayHarness.make()
        let members = (0..<1001).map { "\"k\($0)\":0" }.joined(separator: ",")
        var signed = Self.json
        signed[.authorization] = "Bearer miitel-bearer-s3cret"
        let headers = signed
        try await h.test { client async throws in
            // Without credentials the body is not even parsed: the answer is the 401.
            let anonymous = try await client.execute(
                uri: "/v1/ingest/miitel-bearer", method: .post, headers: Self.json, body: buffer("{\(members)}"))
            #expect(anonymous.status == .unauthorized)
            let refused = try await client.execute(
                uri: "/v1/ingest/miitel-bearer", method: .post, headers: headers, body: buffer("{\(members)}"))
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == "malformed_body")
            #expect(refused.json["error"]?["message"]?.stringValue?.contains("max_object_members") == true)
        }
        // Authenticated, so kept for a replay after raising the limit.
        #expect(try await h.store.quarantined(source: "miitel-bearer", includeResolved: false).count == 1)
    }

    @Test func anExpiresBeyondYear9999IsQuarantinedWithItsField() async throws {
        let h = try GatewayHarness.make()
        var payload = try Golden.json("udesk", "call-trigger-ja")
        payload = payload.setting(
            "record_url",
            "http://ccrecords.alioss.udesk.cn/r.mp3?OSSAccessKeyId=x&Expires=99999999999999999&Signature=y")
        var extend = payload["extend"]?.objectValue ?? JSONObject()
        extend["token"] = "udesk-payload-s3cret"
        let body = JSONWriter.compact.bytes(payload.setting("extend", .object(extend)))
        try await h.test { client async throws in
            let response = try await client.execute(
                uri: "/v1/ingest/udesk", method: .post, headers: Self.json,
                body: buffer(body))
            #expect(response.status == .unprocessableContent, "\(response.text)")
            #expect(response.errorCode == "unmappable_payload")
            #expect(response.json["error"]?["message"]?.stringValue?.contains("Expires=") == true)
            // Still serving.
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
        #expect(try await h.store.quarantined(source: "udesk", includeResolved: false).count == 1)
    }

    @Test func aReplayedWebhookIdIsAnsweredAsADuplicateWithoutReadingTheBody() async throws {
        let h = try GatewayHarness.make()
        let body = try fixtureBody("pbx", "incoming-call-answered")
        let now = Int64(Date().timeIntervalSince1970)
        let headers = try AuthenticationTests.signedHeaders(body, timestamp: now, id: "msg_replayed")
        try await h.test { client async throws in
            let first = try await client.execute(
                uri: "/v1/ingest/pbx", method: .post, headers: headers, body: buffer(body))
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.json["status"] == "accepted")
            let replay = try await client.execute(
                uri: "/v1/ingest/pbx", method: .post, headers: headers, body: buffer(body))
            #expect(replay.status == .ok)
            #expect(replay.json["status"] == "duplicate")
            #expect(replay.json["id"] == first.json["id"])
            // A different body signed under the same id is not processed: the id was used.
            guard case .object(var other) = try JSONParser.parse(body), case .array(var calls)? = other["call_data"],
                case .object(var call)? = calls.first
            else { throw MessageError("unexpected fixture shape") }
            call["call_data_id"] = "pbx-another-call"
            calls[0] = .object(call)
            other["call_data"] = .array(calls)
            let otherBody = JSONWriter.compact.bytes(.object(other))
            let reused = try await client.execute(
                uri: "/v1/ingest/pbx", method: .post,
                headers: try AuthenticationTests.signedHeaders(otherBody, timestamp: now, id: "msg_replayed"),
                body: buffer(otherBody))
            #expect(reused.status == .ok)
            #expect(reused.json["status"] == "duplicate")
        }
        #expect(try await h.store.events(callKey: nil, limit: 10).count == 1)
        #expect(try await h.store.requests(source: nil, since: .earliest).count == 1)
    }
}
