import CallGateAuth
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
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TwilioAdapter

/// Every authentication mode through the HTTP endpoint, 401 vs 403, and no secret in any log.
@Suite struct AuthenticationTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test func bearer() async throws {
        let h = try GatewayHarness.make()
        let body = try fixtureBody("miitel", "speech-recognition-ja")
        try await h.test { client async throws in
            let none = try await client.execute(
                uri: "/v1/ingest/miitel-bearer", method: .post, headers: Self.json, body: buffer(body))
            #expect(none.status == .unauthorized)
            #expect(none.errorCode == "unauthorized")
            var wrong = Self.json
            wrong[.authorization] = "Bearer nope"
            #expect(
                try await client.execute(
                    uri: "/v1/ingest/miitel-bearer", method: .post, headers: wrong, body: buffer(body)
                ).status == .unauthorized)
            var right = Self.json
            right[.authorization] = "Bearer miitel-bearer-s3cret"
            #expect(
                try await client.execute(
                    uri: "/v1/ingest/miitel-bearer", method: .post, headers: right, body: buffer(body)
                ).status == .ok)
        }
        // A malformed body from a wrong token is refused, not quarantined.
        #expect(try await h.store.quarantined(source: nil, includeResolved: true).isEmpty)
        #expect(!h.logs.all.contains("s3cret"))
    }

    @Test func payloadSecretIsCheckedAndNeverStored() async throws {
        let h = try GatewayHarness.make()
        let template = try Golden.json("udesk", "call-trigger-ja")
        @Sendable func body(_ token: String) -> ByteBuffer {
            var extend = template["extend"]?.objectValue ?? JSONObject()
            extend["token"] = .string(token)
            return buffer(JSONWriter.compact.bytes(template.setting("extend", .object(extend))))
        }
        try await h.test { client async throws in
            let wrong = try await client.execute(
                uri: "/v1/ingest/udesk", method: .post, headers: Self.json, body: body("guess"))
            #expect(wrong.status == .unauthorized)
            let right = try await client.execute(
                uri: "/v1/ingest/udesk", method: .post, headers: Self.json, body: body("udesk-payload-s3cret"))
            #expect(right.status == .ok, "\(right.text)")
        }
        let events = try await h.store.events(callKey: nil, limit: 10)
        #expect(events.count == 1)
        let stored = String(decoding: events[0].jsonBytes(), as: UTF8.self)
        #expect(!stored.contains("udesk-payload-s3cret"))
        #expect(!h.logs.all.contains("s3cret"))
    }

    @Test func queryKey() async throws {
        let h = try GatewayHarness.make()
        try await h.test { client async throws in
            let query = "event=%E7%9D%80%E4%BF%A1&id=1716960200.1003&tel=08011112222"
            #expect(try await client.execute(uri: "/v1/ingest/biztel?\(query)", method: .get).status == .unauthorized)
            #expect(
                try await client.execute(uri: "/v1/ingest/biztel?\(query)&key=wrong", method: .get).status
                    == .unauthorized)
            #expect(
                try await client.execute(uri: "/v1/ingest/biztel?\(query)&key=biztel-key-s3cret", method: .get).status
                    == .ok)
        }
        let events = try await h.store.events(callKey: nil, limit: 10)
        #expect(!String(decoding: events[0].jsonBytes(), as: UTF8.self).contains("s3cret"))
    }

    static func signedHeaders(_ body: [UInt8], timestamp: Int64, id: String = "msg_1") throws -> HTTPFields {
        let key = try StandardWebhooks.Key(Secret(GatewayHarness.secrets["PBX_SECRET"]!))
        var headers = json
        headers[.init("webhook-id")!] = id
        headers[.init("webhook-timestamp")!] = String(timestamp)
        headers[.init("webhook-signature")!] = key.signature(id: id, timestamp: timestamp, body: body)
        return headers
    }

    @Test func standardWebhooksSignature() async throws {
        let h = try GatewayHarness.make()
        let body = try fixtureBody("pbx", "incoming-call-answered")
        let now = Int64(Date().timeIntervalSince1970)
        try await h.test { client async throws in
            #expect(
                try await client.execute(uri: "/v1/ingest/pbx", method: .post, headers: Self.json, body: buffer(body))
                    .status == .unauthorized)
            let stale = try await client.execute(
                uri: "/v1/ingest/pbx", method: .post, headers: try Self.signedHeaders(body, timestamp: now - 600),
                body: buffer(body))
            #expect(stale.status == .unauthorized)
            var tampered = body
            tampered.append(UInt8(ascii: " "))
            #expect(
                try await client.execute(
                    uri: "/v1/ingest/pbx", method: .post, headers: try Self.signedHeaders(body, timestamp: now),
                    body: buffer(tampered)
                ).status == .unauthorized)
            let good = try await client.execute(
                uri: "/v1/ingest/pbx", method: .post, headers: try Self.signedHeaders(body, timestamp: now),
                body: buffer(body))
            #expect(good.status == .ok, "\(good.text)")
        }
    }

    @Test func githubStyleHMAC() async throws {
        let h = try GatewayHarness.make()
        let body = try fixtureBody("pbx", "incoming-call-answered")
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array("hmac-s3cret".utf8)))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        try await h.test { client async throws in
            var headers = Self.json
            headers[.init("X-Hub-Signature-256")!] = "sha256=" + hex
            #expect(
                try await client.execute(
                    uri: "/v1/ingest/pbx-hmac", method: .post, headers: headers, body: buffer(body)
                )
                .status == .ok)
            headers[.init("X-Hub-Signature-256")!] = "sha256=" + String(repeating: "0", count: 64)
            #expect(
                try await client.execute(
                    uri: "/v1/ingest/pbx-hmac", method: .post, headers: headers, body: buffer(body)
                )
                .status == .unauthorized)
        }
    }

    @Test func basic() async throws {
        let h = try GatewayHarness.make()
        let body = try fixtureBody("pbx", "incoming-call-answered")
        try await h.test { client async throws in
            var headers = Self.json
            headers[.authorization] = "Basic " + Data("pbx:basic-s3cret".utf8).base64EncodedString()
            #expect(
                try await client.execute(
                    uri: "/v1/ingest/pbx-basic", method: .post, headers: headers, body: buffer(body)
                )
                .status == .ok)
            headers[.authorization] = "Basic " + Data("pbx:wrong".utf8).base64EncodedString()
            #expect(
                try await client.execute(
                    uri: "/v1/ingest/pbx-basic", method: .post, headers: headers, body: buffer(body)
                )
                .status == .unauthorized)
        }
    }

    /// The live server sees the real peer (127.0.0.1): not in the allow-list → 403; through the
    /// trusted proxy 127.0.0.1 with X-Forwarded-For naming an allowed address → accepted.
    @Test func ipAllowListAndTrustedProxy() async throws {
        let h = try GatewayHarness.make()
        let challenge = buffer(#"{"challenge":"c0ffee"}"#)
        try await h.test(.live) { client async throws in
            let direct = try await client.execute(
                uri: "/v1/ingest/miitel-ips", method: .post, headers: Self.json, body: challenge)
            #expect(direct.status == .forbidden)
            #expect(direct.errorCode == "forbidden")
            var forwarded = Self.json
            forwarded[.init("X-Forwarded-For")!] = "203.0.113.9, 18.177.83.94"
            let viaProxy = try await client.execute(
                uri: "/v1/ingest/miitel-ips", method: .post, headers: forwarded, body: challenge)
            #expect(viaProxy.status == .ok)
            #expect(viaProxy.text == "c0ffee")
            forwarded[.init("X-Forwarded-For")!] = "18.177.83.94, 203.0.113.9"
            #expect(
                try await client.execute(
                    uri: "/v1/ingest/miitel-ips", method: .post, headers: forwarded, body: challenge
                )
                .status == .forbidden)
        }
    }

    /// No log line carries a secret or payload content, whatever happened to the request.
    @Test func logsCarryNeitherSecretsNorPayloads() async throws {
        let h = try GatewayHarness.make()
        try await h.test { client async throws in
            var headers = Self.json
            headers[.authorization] = "Bearer miitel-bearer-s3cret-but-wrong"
            _ = try await client.execute(
                uri: "/v1/ingest/miitel-bearer", method: .post, headers: headers,
                body: buffer(#"{"call":{"id":"payload-marker-1"}}"#))
            _ = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json,
                body: buffer(#"{"call":{"id":"payload-marker-2","details":[{"call_type":"payload-marker-3"}]}}"#))
            _ = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: buffer(#"{"payload-marker-4""#))
        }
        let logs = h.logs.all
        #expect(logs.contains("ingest"))
        // Failures are logged with their stable code, never with the message (it may quote payload).
        #expect(logs.contains("unmappable_payload"))
        #expect(logs.contains("unauthorized"))
        for marker in ["s3cret", "payload-marker"] { #expect(!logs.contains(marker), "\(marker) in logs:\n\(logs)") }
        // The same lines as JSON (`log.format: json`): one object each, no secret, no payload.
        let json = h.logs.json
        #expect(json.contains(#""message":"ingest""#))
        #expect(json.split(separator: "\n").allSatisfy { (try? JSONParser.parse(Array($0.utf8))) != nil })
        for marker in ["s3cret", "payload-marker"] { #expect(!json.contains(marker), "\(marker) in logs:\n\(json)") }
    }

    /// `vendor_signature`: the adapter checks its vendor's own scheme (Twilio's X-Twilio-Signature).
    @Test func vendorSignature() async throws {
        let url = "https://hooks.example.com/v1/ingest/twilio"
        let yaml = GatewayHarness.yaml.replacingOccurrences(
            of: "sinks:",
            with: """
                  - id: twilio
                    adapter: twilio
                    auth: { vendor_signature: { secrets: ["${MIITEL_TOKEN}", "${HMAC_SECRET}"], url: "\(url)" } }
                sinks:
                """)
        let h = try GatewayHarness.make(yaml: yaml)
        let body = Array(
            try Data(contentsOf: PackageRoot.path("Tests/Fixtures/twilio/inbound-completed.form")))
        let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        try await h.test { client async throws in
            for token in ["miitel-bearer-s3cret", "hmac-s3cret"] {
                var headers = form
                headers[HTTPField.Name("X-Twilio-Signature")!] = try TwilioSignature.signature(
                    authToken: token, url: url, rawQuery: nil, body: body)
                let signed = try await client.execute(
                    uri: "/v1/ingest/twilio", method: .post, headers: headers, body: buffer(body))
                #expect(signed.status == .ok, "\(signed.json)")
            }
            let unsigned = try await client.execute(
                uri: "/v1/ingest/twilio", method: .post, headers: form, body: buffer(body))
            #expect(unsigned.status == .unauthorized)
            // The answer does not say how the source is protected; the log does.
            #expect(unsigned.json["error"]?["message"]?.stringValue == "missing or invalid credentials")
            var forged = form
            forged[HTTPField.Name("X-Twilio-Signature")!] = try TwilioSignature.signature(
                authToken: "guess", url: url, rawQuery: nil, body: body)
            let wrong = try await client.execute(
                uri: "/v1/ingest/twilio", method: .post, headers: forged, body: buffer(body))
            #expect(wrong.status == .unauthorized)
        }
        #expect(!h.logs.all.contains("s3cret"))
        #expect(h.logs.all.contains("X-Twilio-Signature"))

        // An adapter without a scheme of its own refuses the setting.
        let refused = GatewayHarness.yaml.replacingOccurrences(
            of: "sinks:",
            with: """
                  - { id: other, adapter: pbx, auth: { vendor_signature: { secret: x, url: "\(url)" } } }
                sinks:
                """)
        #expect {
            try GatewayHarness.make(yaml: refused)
        } throws: { error in
            "\(error)".contains("has no signature scheme of its own")
        }
    }

    /// Aircall, configured in YAML only: its webhook token is a payload secret, checked and then
    /// removed, so it reaches no event.
    @Test func aircallTokenIsAPayloadSecret() async throws {
        let yaml = GatewayHarness.yaml.replacingOccurrences(
            of: "sinks:",
            with: """
                  - id: aircall
                    adapter: generic
                    mapping: aircall
                    auth: { payload_secret: { path: $.token, value: "${UDESK_TOKEN}" } }
                sinks:
                """)
        let h = try GatewayHarness.make(yaml: yaml)
        let payload = try JSONParser.parse(
            Array(try Data(contentsOf: PackageRoot.path("Tests/Fixtures/aircall/inbound-ended-answered.json"))))
        let signed = payload.setting("token", "udesk-payload-s3cret")
        try await h.test { client async throws in
            let foreign = try await client.execute(
                uri: "/v1/ingest/aircall", method: .post, headers: Self.json,
                body: buffer(JSONWriter.compact.bytes(payload)))
            #expect(foreign.status == .unauthorized)
            let accepted = try await client.execute(
                uri: "/v1/ingest/aircall", method: .post, headers: Self.json,
                body: buffer(JSONWriter.compact.bytes(signed)))
            #expect(accepted.status == .ok, "\(accepted.json)")
            #expect(accepted.json["events"]?.arrayValue?.first?["type"] == "call.completed")
        }
        let stored = try await h.store.events(callKey: nil, limit: 10)
        #expect(stored.count == 1)
        #expect(!String(decoding: try #require(stored.first).jsonBytes(), as: UTF8.self).contains("s3cret"))
    }
}
