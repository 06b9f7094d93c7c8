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
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct IngestTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test func miitelChallengeIsAnsweredWithTheTokenAndNothingIsStored() async throws {
        let h = try GatewayHarness.make()
        try await h.test { client async throws in
            try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json,
                body: buffer(#"{"challenge":"a1b2c3d4e5"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(response.text == "a1b2c3d4e5")
            }
        }
        #expect(try await h.store.events(callKey: nil, limit: 10).isEmpty)
        #expect(try await h.store.requests(source: nil, since: Timestamp(seconds: 0)).isEmpty)
    }

    @Test(arguments: StoreKind.available) func anEventIsStoredBeforeTheAnswerAndAResendIsADuplicate(_ kind: StoreKind)
        async throws
    {
        let h = try await GatewayHarness.make(store: kind)
        let body = try fixtureBody("miitel", "speech-recognition-ja")
        try await h.test { client async throws in
            let first = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: buffer(body))
            #expect(first.status == .ok)
            #expect(first.json["status"] == "accepted")
            let id = try #require(first.json["id"]?.stringValue)
            #expect(id.hasPrefix("evt_"))
            #expect(first.json["events"]?.arrayValue?.first?["revision"] == 1)
            // Committed by the time the answer was sent.
            let stored = try await h.store.events(callKey: nil, limit: 10)
            #expect(stored.map(\.id) == [id])
            #expect(
                try await h.store.deliveries(status: .pending, sink: nil).map(\.sink) == ["archive", "completed-only"])

            let again = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: buffer(body))
            #expect(again.status == .ok)
            #expect(again.json["status"] == "duplicate")
            #expect(again.json["id"]?.stringValue == id)
            #expect(try await h.store.deliveries(status: nil, sink: nil).count == 2)
        }
    }

    @Test(arguments: StoreKind.available) func biztelGetAnswersWithACallKeyItsPatternExtracts(_ kind: StoreKind)
        async throws
    {
        let h = try await GatewayHarness.make(store: kind)
        let query = try String(contentsOf: PackageRoot.fixture("biztel/incoming.query"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await h.test { client async throws in
            let response = try await client.execute(
                uri: "/v1/ingest/biztel?\(query)&key=biztel-key-s3cret", method: .get)
            #expect(response.status == .ok)
            // BIZTEL's variable-extraction pattern: "call_key":"(?P<CALL_KEY>[^"]+)"
            let regex = try Regex(#""call_key":"([^"]+)""#)
            let match = try #require(response.text.firstMatch(of: regex))
            let callKey = String(try #require(match.output[1].substring))
            #expect(callKey.hasPrefix("call_"))
            #expect(try await h.store.call(key: callKey)?.status == .ringing)
            // The key parameter is a secret: not stored with the request.
            let requests = try await h.store.requests(source: "biztel", since: Timestamp(seconds: 0))
            #expect(requests.count == 1)
            #expect(!(requests[0].query ?? "").contains("s3cret"))
        }
    }

    @Test func biztelFormAndJSONBodiesAreAccepted() async throws {
        let h = try GatewayHarness.make()
        try await h.test { client async throws in
            let form = try fixtureBody("biztel", "queue")
            let r1 = try await client.execute(
                uri: "/v1/ingest/biztel?key=biztel-key-s3cret", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"], body: buffer(form))
            #expect(r1.status == .ok, "\(r1.text)")
            let r2 = try await client.execute(
                uri: "/v1/ingest/biztel?key=biztel-key-s3cret", method: .post, headers: Self.json,
                body: buffer(try fixtureBody("biztel", "answer")))
            #expect(r2.status == .ok, "\(r2.text)")
        }
    }

    @Test func statusCodesForBadRequests() async throws {
        let h = try GatewayHarness.make()
        try await h.test { client async throws in
            let unknown = try await client.execute(uri: "/v1/ingest/nope", method: .post, headers: Self.json)
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "unknown_source")

            let xml = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: [.contentType: "application/xml"],
                body: buffer("<call/>"))
            #expect(xml.status == .unsupportedMediaType)
            #expect(xml.errorCode == "unsupported_media_type")

            let big = [UInt8](repeating: UInt8(ascii: " "), count: 70_000)
            let tooLarge = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: buffer(big))
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.errorCode == "body_too_large")

            let get = try await client.execute(uri: "/v1/ingest/miitel", method: .get)
            #expect(get.status == .methodNotAllowed)
        }
        // None of these was attributable and storable.
        #expect(try await h.store.quarantined(source: nil, includeResolved: true).isEmpty)
    }

    @Test func aPerSourceBodyLimitApplies() async throws {
        let h = try GatewayHarness.make()
        try await h.test { client async throws in
            let body = try fixtureBody("miitel", "speech-recognition-ja")
            #expect(body.count > 2048)
            let response = try await client.execute(
                uri: "/v1/ingest/miitel-ips", method: .post, headers: Self.json, body: buffer(body))
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test(arguments: StoreKind.available) func malformedAndUnmappablePayloadsAreQuarantinedNotLost(_ kind: StoreKind)
        async throws
    {
        let h = try await GatewayHarness.make(store: kind)
        let broken = Array(#"{"call": {"id": "x", "details": [ }"#.utf8)
        try await h.test { client async throws in
            let malformed = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: buffer(broken))
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "malformed_body")
            #expect(malformed.json["error"]?["quarantine_id"] != nil)

            let unmappable = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json, body: buffer(#"{"call":{"id":"x"}}"#))
            #expect(unmappable.status == .unprocessableContent)
            #expect(unmappable.errorCode == "unmappable_payload")
        }
        let entries = try await h.store.quarantined(source: "miitel", includeResolved: false)
        #expect(entries.map(\.status) == [400, 422])
        #expect(entries[0].body == broken)
        #expect(entries[1].code == "unmappable_payload")
    }

    /// An unreadable query from an authenticated sender is kept, like an unreadable body.
    @Test func aMalformedQueryIsQuarantined() async throws {
        let h = try GatewayHarness.make()
        try await h.test { client async throws in
            let response = try await client.execute(
                uri: "/v1/ingest/miitel?note=100%", method: .post, headers: Self.json,
                body: buffer(try fixtureBody("miitel", "speech-recognition-ja")))
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "malformed_query")
        }
        let entries = try await h.store.quarantined(source: "miitel", includeResolved: false)
        #expect(entries.map(\.code) == ["malformed_query"])
        #expect(entries.first?.query == "note=100%")
    }

    /// When the store cannot commit, nothing is acknowledged: 503, so the vendor retries.
    @Test func aStoreFailureIsA503() async throws {
        let h = try GatewayHarness.make()
        try await h.store.close()
        try await h.test { client async throws in
            let response = try await client.execute(
                uri: "/v1/ingest/miitel", method: .post, headers: Self.json,
                body: buffer(try fixtureBody("miitel", "speech-recognition-ja")))
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "store_unavailable")
        }
        #expect(h.logs.all.contains("store write failed"))
    }

    @Test func aSourceWithoutAuthCannotStartOnAPublicAddress() throws {
        let yaml = GatewayHarness.yaml.replacingOccurrences(of: "host: 127.0.0.1", with: "host: 0.0.0.0")
        #expect {
            try GatewayHarness.make(yaml: yaml)
        } throws: { error in
            "\(error)".contains("source 'miitel' has no auth") && "\(error)".contains("0.0.0.0")
        }
    }
}
