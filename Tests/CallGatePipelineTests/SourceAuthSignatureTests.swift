import Testing

@testable import CallGateAuth
@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Standard Webhooks and GitHub-style HMAC verification, against published vectors.
@Suite struct SourceAuthSignatureTests {
    // The known vector from the Standard Webhooks reference libraries (also in Docs/vendors/pbx.md).
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let timestamp: Int64 = 1_614_265_330
    static let body = #"{"test": 2432232314}"#
    static let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    static let now = Timestamp(seconds: timestamp)

    static func knownVectorRequest(
        signature: String = signature, timestamp: String = String(timestamp), body: String = body
    ) -> InboundRequest {
        SourceAuthTests.request(
            [("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signature)], body: body)
    }

    static func authenticator(_ secrets: [String]) throws -> SourceAuthenticator {
        try SourceAuthTests.authenticator("{ standard_webhooks: { secrets: [\(secrets.joined(separator: ", "))] } }")
    }

    static func failure(_ a: SourceAuthenticator, _ r: InboundRequest, now: Timestamp = now) -> GatewayError? {
        SourceAuthTests.failure(a, r, now: now)
    }

    // MARK: Standard Webhooks

    @Test func signingReproducesTheKnownVector() throws {
        let key = try StandardWebhooks.Key(Secret(Self.secret))
        #expect(key.signature(id: Self.id, timestamp: Self.timestamp, body: Array(Self.body.utf8)) == Self.signature)
        // The prefix is optional, as in the reference libraries.
        let bare = try StandardWebhooks.Key(Secret(String(Self.secret.dropFirst(6))))
        #expect(bare.signature(id: Self.id, timestamp: Self.timestamp, body: Array(Self.body.utf8)) == Self.signature)
    }

    @Test func theKnownVectorVerifiesAndAnyChangeBreaksIt() throws {
        let a = try Self.authenticator([Self.secret])
        #expect(Self.failure(a, Self.knownVectorRequest()) == nil)
        #expect(Self.failure(a, Self.knownVectorRequest(body: #"{"test": 2432232315}"#))?.status == 401)
        #expect(Self.failure(a, Self.knownVectorRequest(timestamp: "1614265331"))?.status == 401)
        let forged = try #require(
            Self.failure(a, Self.knownVectorRequest(signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=")))
        #expect(forged.message.hasSuffix("; no webhook signature matches"))
        #expect(!forged.message.contains("g0hM9SsE"))
        // Another scheme's signature of the same bytes is not a v1 signature.
        let v2 = try #require(Self.failure(a, Self.knownVectorRequest(signature: "v1a," + Self.signature.dropFirst(3))))
        #expect(v2.message.hasSuffix("webhook-signature has no v1 signature"))
    }

    @Test func anySignatureMayMatchAnySecret() throws {
        let other = "whsec_" + Base64.encode(Array("another key, 24 bytes...".utf8))
        let a = try Self.authenticator([other, Self.secret])
        #expect(Self.failure(a, Self.knownVectorRequest()) == nil)
        // Rotation on the sender's side: several signatures, one of which is good.
        let garbage = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        #expect(Self.failure(a, Self.knownVectorRequest(signature: "v2,abc \(garbage) \(Self.signature)")) == nil)
        #expect(Self.failure(a, Self.knownVectorRequest(signature: garbage))?.status == 401)
        let onlyOther = try Self.authenticator([other])
        #expect(Self.failure(onlyOther, Self.knownVectorRequest())?.status == 401)
        // Our own header for two keys verifies with either one.
        let keys = try [other, Self.secret].map { try StandardWebhooks.Key(Secret($0)) }
        let header = StandardWebhooks.signatureHeader(
            id: Self.id, timestamp: Self.timestamp, body: Array(Self.body.utf8), keys: keys)
        #expect(header.hasSuffix(" " + Self.signature))
        #expect(Self.failure(onlyOther, Self.knownVectorRequest(signature: header)) == nil)
    }

    @Test(arguments: [-300, -1, 0, 1, 300])
    func timestampsWithinFiveMinutesAreAccepted(offset: Int64) throws {
        let a = try Self.authenticator([Self.secret])
        #expect(Self.failure(a, Self.knownVectorRequest(), now: Timestamp(seconds: Self.timestamp + offset)) == nil)
    }

    @Test(arguments: [-86_400, -301, 301, 3600])
    func timestampsBeyondFiveMinutesAreRejected(offset: Int64) throws {
        let a = try Self.authenticator([Self.secret])
        let failure = try #require(
            Self.failure(a, Self.knownVectorRequest(), now: Timestamp(seconds: Self.timestamp + offset)))
        #expect(failure.status == 401)
        #expect(failure.message.contains("outside the ±300 s tolerance"), "\(failure.message)")
        #expect(failure.message.contains(offset > 0 ? "behind" : "ahead of"))
    }

    @Test func theToleranceIsExactToTheMicrosecond() throws {
        let a = try Self.authenticator([Self.secret])
        let edge = Timestamp(microseconds: (Self.timestamp + 300) * 1_000_000)
        #expect(Self.failure(a, Self.knownVectorRequest(), now: edge) == nil)
        let past = Timestamp(microseconds: edge.microseconds + 1)
        #expect(Self.failure(a, Self.knownVectorRequest(), now: past)?.status == 401)
    }

    @Test func incompleteOrMalformedHeadersAreRejected() throws {
        let a = try Self.authenticator([Self.secret])
        let missing = try #require(
            Self.failure(a, SourceAuthTests.request([("webhook-signature", Self.signature)], body: Self.body)))
        #expect(missing.message.hasSuffix("needs webhook-id, webhook-timestamp and webhook-signature"))
        // (Whitespace around a value is not part of it in HTTP, and `HTTPFields` drops it.)
        for text in ["1614265330.0", "-1614265330", "1614265330 1", "0x60377b72", ""] {
            let failure = try #require(Self.failure(a, Self.knownVectorRequest(timestamp: text)), "\(text)")
            #expect(failure.status == 401)
        }
        #expect(
            Self.failure(a, SourceAuthTests.request(body: Self.body))?.message
                == "missing or invalid credentials: expected a Standard Webhooks signature")
        // Header names are case-insensitive.
        let shouting = SourceAuthTests.request(
            [("Webhook-Id", Self.id), ("WEBHOOK-TIMESTAMP", "1614265330"), ("Webhook-Signature", Self.signature)],
            body: Self.body)
        #expect(Self.failure(a, shouting) == nil)
    }

    // MARK: GitHub-style HMAC

    // GitHub's documented example: secret "It's a Secret to Everybody", body "Hello, World!".
    static let gitHubHex = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    @Test func gitHubStyleHexSignatureVerifies() throws {
        let a = try SourceAuthTests.authenticator(#"{ hmac: { secrets: [other, "It's a Secret to Everybody"] } }"#)
        func request(_ value: String, body: String = "Hello, World!") -> InboundRequest {
            SourceAuthTests.request([("x-hub-signature-256", value)], body: body)
        }
        #expect(Self.failure(a, request("sha256=" + Self.gitHubHex)) == nil)
        #expect(Self.failure(a, request("sha256=" + Self.gitHubHex.uppercased())) == nil)
        #expect(
            Self.failure(a, request("sha256=" + Self.gitHubHex, body: "Hello, World?"))?.message
                == "missing or invalid credentials: expected a signature in X-Hub-Signature-256; "
                + "the X-Hub-Signature-256 signature does not match")
        #expect(Self.failure(a, request(Self.gitHubHex))?.message.hasSuffix("does not start with 'sha256='") == true)
        #expect(
            Self.failure(a, request("sha256=" + Self.gitHubHex.dropLast()))?.message.hasSuffix(
                "is not hex after 'sha256='") == true)
        #expect(Self.failure(a, SourceAuthTests.request(body: "Hello, World!"))?.status == 401)
        let onlyOther = try SourceAuthTests.authenticator("{ hmac: { secret: other } }")
        #expect(Self.failure(onlyOther, request("sha256=" + Self.gitHubHex))?.status == 401)
    }

    @Test func base64SignatureInACustomHeader() throws {
        let a = try SourceAuthTests.authenticator(
            #"{ hmac: { header: X-Signature, encoding: base64, prefix: "", secret: "It's a Secret to Everybody" } }"#)
        let base64 = Base64.encode(try #require(Hex.decode(Self.gitHubHex)))
        #expect(Self.failure(a, SourceAuthTests.request([("X-Signature", base64)], body: "Hello, World!")) == nil)
        #expect(
            Self.failure(a, SourceAuthTests.request([("X-Signature", Self.gitHubHex)], body: "Hello, World!")) != nil)
        #expect(
            Self.failure(a, SourceAuthTests.request([("X-Hub-Signature-256", base64)], body: "Hello, World!")) != nil)
    }

    // MARK: Base64

    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func base64MatchesRFC4648(plain: String, encoded: String) throws {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
        #expect(Base64.decode(encoded.filter { $0 != "=" }) == Array(plain.utf8))
    }

    @Test(arguments: ["Zm9v!", "Z", "Zm9vY", "Zg=", "Zm9-", "Zm9_", "Zg==="])
    func base64RejectsWhatIsNotStandardBase64(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
