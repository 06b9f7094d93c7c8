import HTTPTypes
import Testing

@testable import CallGateAuth
@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Source authentication (a source's `auth:`), configured from YAML exactly as `callgate.yaml`
/// writes it, so the key names in `Docs/authentication.md` are exercised too.
@Suite struct SourceAuthTests {
    static let now = Timestamp(seconds: 1_614_265_330)

    /// An authenticator for a source whose `auth:` is `auth` (flow-style YAML).
    static func authenticator(_ auth: String, trustedProxies: [String] = []) throws -> SourceAuthenticator {
        let yaml = """
            server: { trusted_proxies: [\(trustedProxies.joined(separator: ", "))] }
            sources:
              - id: s
                adapter: generic
                auth: \(auth)
            """
        let config = try CallGateConfig(yaml: yaml, file: "test.yaml", environment: [:])
        return try SourceAuthenticator(config.sources[0].auth, trustedProxies: config.server.trustedProxies)
    }

    static func request(
        _ headers: [(String, String)] = [], query: [(String, String)] = [],
        body: String = "", payload: JSONValue? = nil, peer: String? = "192.0.2.10"
    ) -> InboundRequest {
        InboundRequest(
            headers: HTTPFields(headers), query: query, body: Array(body.utf8), peer: peer, payload: payload)
    }

    /// The failure `request` meets, or `nil` when it is accepted.
    static func failure(_ authenticator: SourceAuthenticator, _ request: InboundRequest, now: Timestamp = now)
        -> GatewayError?
    {
        do {
            try authenticator.authenticate(request, now: now)
            return nil
        } catch {
            return error
        }
    }

    static func basic(_ user: String, _ password: String) -> (name: String, value: String) {
        ("Authorization", "Basic " + Base64.encode(Array("\(user):\(password)".utf8)))
    }

    // MARK: Open sources

    @Test func noAuthIsOpenAndAcceptsAnything() throws {
        let open = try SourceAuthenticator(nil, trustedProxies: [])
        #expect(open.isOpen)
        #expect(Self.failure(open, Self.request(peer: nil)) == nil)
    }

    @Test func anAllowListAloneIsNotOpenButNeedsNoCredentials() throws {
        let a = try Self.authenticator("{ allow_ips: [192.0.2.0/24] }")
        #expect(!a.isOpen)
        #expect(Self.failure(a, Self.request(peer: "192.0.2.77")) == nil)
        #expect(Self.failure(a, Self.request(peer: "198.51.100.1"))?.status == 403)
    }

    // MARK: Bearer

    @Test func bearerAcceptsEveryConfiguredTokenAndRejectsOthers() throws {
        let a = try Self.authenticator("{ bearer: [tok-old, tok-new] }")
        #expect(!a.isOpen)
        #expect(Self.failure(a, Self.request([("Authorization", "Bearer tok-old")])) == nil)
        #expect(Self.failure(a, Self.request([("authorization", "bearer   tok-new ")])) == nil)

        let wrong = try #require(Self.failure(a, Self.request([("Authorization", "Bearer tok-newer")])))
        #expect(
            wrong
                == .unauthorized(
                    "missing or invalid credentials: expected a bearer token; the bearer token is not valid"))
        #expect(!wrong.message.contains("tok-newer"))

        let missing = try #require(Self.failure(a, Self.request()))
        #expect(missing.status == 401)
        #expect(missing.code == "unauthorized")
        #expect(missing.message == "missing or invalid credentials: expected a bearer token")
        // The token must be the whole credential, not a prefix of it, and in the Bearer scheme.
        #expect(Self.failure(a, Self.request([("Authorization", "Bearer tok-ol")])) != nil)
        #expect(Self.failure(a, Self.request([("Authorization", "Bearertok-old")])) != nil)
        #expect(Self.failure(a, Self.request([("Authorization", "Token tok-old")])) != nil)
        #expect(Self.failure(a, Self.request([("X-Token", "tok-old")])) != nil)
    }

    @Test func aSecondAuthorizationHeaderCanCarryTheToken() throws {
        let a = try Self.authenticator("{ bearer: tok }")
        #expect(
            Self.failure(a, Self.request([("Authorization", "Basic eDp5"), ("Authorization", "Bearer tok")])) == nil)
    }

    // MARK: Basic

    @Test func basicAcceptsEachConfiguredPairOnly() throws {
        let a = try Self.authenticator(
            "{ basic: [{ username: biztel, password: 'p:ss w0rd' }, { username: ops, password: second }] }")
        #expect(Self.failure(a, Self.request([Self.basic("biztel", "p:ss w0rd")])) == nil)
        #expect(Self.failure(a, Self.request([Self.basic("ops", "second")])) == nil)
        #expect(Self.failure(a, Self.request([Self.basic("ops", "p:ss w0rd")]))?.status == 401)
        #expect(Self.failure(a, Self.request([Self.basic("biztel", "p:ss w0r")]))?.status == 401)
        #expect(Self.failure(a, Self.request([Self.basic("biztel", "p:ss w0rd ")]))?.status == 401)
        let malformed = try #require(Self.failure(a, Self.request([("Authorization", "Basic !!not-base64")])))
        #expect(malformed.message.hasSuffix("the Basic credentials are not base64"))
        #expect(
            Self.failure(a, Self.request([("Authorization", "Bearer second")]))?.message
                == "missing or invalid credentials: expected Basic credentials")
    }

    // MARK: Payload secret

    @Test func payloadSecretComparesTheStringAtThePath() throws {
        let a = try Self.authenticator("{ payload_secret: { path: $.extend.token, value: s3cret } }")
        let good: JSONValue = ["call_id": "1", "extend": ["token": "s3cret", "crm": "x"]]
        #expect(Self.failure(a, Self.request(payload: good)) == nil)
        let wrong = try #require(Self.failure(a, Self.request(payload: ["extend": ["token": "s3cret2"]])))
        #expect(wrong.message.contains("the payload secret at $.extend.token is not valid"))
        #expect(!wrong.message.contains("s3cret"))
        let number = try #require(Self.failure(a, Self.request(payload: ["extend": ["token": 12]])))
        #expect(number.message.contains("is not a string"))
        #expect(Self.failure(a, Self.request(payload: ["token": "s3cret"]))?.status == 401)
        #expect(Self.failure(a, Self.request(payload: nil))?.status == 401)
    }

    /// A secret that could not be removed before mapping would be copied into events: only a
    /// chain of member names is accepted.
    @Test func payloadSecretPathMustBeRemovable() throws {
        #expect {
            try Self.authenticator("{ payload_secret: { path: \"$.params[0].token\", value: s3cret } }")
        } throws: { error in
            "\(error)".contains("chain of member names")
        }
        let bracketed = try Self.authenticator("{ payload_secret: { path: \"$['my key']\", value: s } }")
        #expect(bracketed.stripSecrets(from: ["my key": "s", "b": 1]) == ["b": 1])
        #expect(try Self.authenticator("{ bearer: t }").stripSecrets(from: ["key": "k"]) == ["key": "k"])
    }

    // MARK: Query key

    @Test func queryKeyAcceptsTheParameterFromTheQueryOrTheMergedForm() throws {
        let a = try Self.authenticator("{ query_key: { name: key, value: k-123 } }")
        #expect(Self.failure(a, Self.request(query: [("ID", "9"), ("key", "k-123")])) == nil)
        // BIZTEL POST forms reach authentication as the adapter's merged input object.
        #expect(Self.failure(a, Self.request(payload: ["ID": "9", "key": "k-123"])) == nil)
        let wrong = try #require(Self.failure(a, Self.request(query: [("key", "k-124")])))
        #expect(
            wrong.message
                == "missing or invalid credentials: expected the 'key' parameter; the 'key' parameter is not valid")
        #expect(Self.failure(a, Self.request(query: [("Key", "k-123")]))?.status == 401)
        #expect(Self.failure(a, Self.request(query: [("other", "k-123")]))?.status == 401)
    }

    // MARK: Several methods

    @Test func anyOneConfiguredMethodIsEnough() throws {
        let a = try Self.authenticator(
            "{ bearer: tok, standard_webhooks: { secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw } }")
        #expect(Self.failure(a, Self.request([("Authorization", "Bearer tok")])) == nil)
        #expect(Self.failure(a, SourceAuthSignatureTests.knownVectorRequest()) == nil)
        let neither = try #require(Self.failure(a, Self.request([("Authorization", "Bearer nope")])))
        #expect(neither.status == 401)
        #expect(
            neither.message
                == "missing or invalid credentials: expected a bearer token or a Standard Webhooks signature; "
                + "the bearer token is not valid")
        let all = try Self.authenticator(
            "{ bearer: t, basic: { username: u, password: p }, payload_secret: { path: $.k, value: v }, "
                + "query_key: { name: key, value: v }, hmac: { secret: h } }")
        #expect(
            Self.failure(all, Self.request())?.message
                == "missing or invalid credentials: expected a bearer token, Basic credentials, "
                + "the payload secret at $.k, the 'key' parameter or a signature in X-Hub-Signature-256")
    }

    @Test func theAllowListIsCheckedBeforeCredentials() throws {
        let a = try Self.authenticator("{ bearer: tok, allow_ips: [18.177.83.94/32, 35.73.236.241] }")
        let token = ("Authorization", "Bearer tok")
        #expect(Self.failure(a, Self.request([token], peer: "35.73.236.241")) == nil)
        #expect(
            Self.failure(a, Self.request([token], peer: "35.73.236.242"))
                == .forbidden("client address 35.73.236.242 is not in this source's allow_ips"))
        #expect(Self.failure(a, Self.request(peer: "18.177.83.94"))?.status == 401)
        #expect(Self.failure(a, Self.request([token], peer: nil))?.code == "forbidden")
    }

    // MARK: Stripping secrets

    @Test func stripSecretsRemovesThePayloadSecretAndQueryKeyOnly() throws {
        let a = try Self.authenticator(
            "{ payload_secret: { path: $.extend.token, value: s }, query_key: { name: key, value: k } }")
        let input: JSONValue = ["key": "k", "extend": ["token": "s", "crm": "x"], "ID": "7"]
        #expect(a.stripSecrets(from: input) == ["extend": ["crm": "x"], "ID": "7"])
        #expect(a.stripSecrets(from: ["ID": "7"]) == ["ID": "7"])
        #expect(a.stripSecrets(from: ["extend": "token"]) == ["extend": "token"])
        let query = a.stripSecrets(fromQuery: [("ID", "7"), ("key", "k"), ("EVENT", "応答")])
        #expect(query.map(\.name) == ["ID", "EVENT"])
        #expect(query.map(\.value) == ["7", "応答"])
    }

    // MARK: Configuration errors

    @Test(arguments: [
        ("{ allow_ips: [10.0.0.300] }", "auth.allow_ips: '10.0.0.300' is not an IP address or CIDR block"),
        ("{ allow_ips: [10.0.0.1/8] }", "did you mean 10.0.0.0/8?"),
        ("{ allow_ips: [10.0.0.0/33] }", "prefix longer than 32 bits"),
        ("{ allow_ips: ['2001:db8::/129'] }", "prefix longer than 128 bits"),
        ("{ allow_ips: [10.0.0.0/] }", "invalid prefix length"),
        (
            "{ standard_webhooks: { secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, whsec_not*base64] } }",
            "auth.standard_webhooks secret 2 of 2 must be whsec_ followed by base64"
        ),
        ("{ basic: { username: 'a:b', password: p } }", "contains ':'"),
        ("{ bearer: [ok, \"tok\\n\"] }", "auth.bearer token 2 has leading or trailing whitespace"),
    ])
    func invalidSettingsAreStartUpErrors(auth: String, expected: String) throws {
        do {
            _ = try Self.authenticator(auth)
            Issue.record("accepted \(auth)")
        } catch let error as MessageError {
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("not*base64"))
        }
    }

    @Test func invalidTrustedProxiesAreStartUpErrors() throws {
        let expected = MessageError(
            "server.trusted_proxies: 'proxy.local' is not an IP address or CIDR block "
                + "(such as 192.0.2.0/24 or 2001:db8::/32)")
        #expect(throws: expected) {
            try SourceAuthenticator(nil, trustedProxies: ["proxy.local"])
        }
    }
}
