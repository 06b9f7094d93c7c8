import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// Checks that a request comes from the source's vendor (a source's `auth:`, Docs/authentication.md):
/// first the client address against `allow_ips`, then the credential methods, of which any one is
/// enough.
///
/// Built once per source at start-up; `authenticate` is pure and cheap (a few SHA-256 or HMAC
/// computations), and every secret comparison takes the same time whatever the presented value.
public struct SourceAuthenticator: Sendable {
    let allowIPs: [IPNetwork]
    let trustedProxies: [IPNetwork]
    let bearer: [SecretDigest]
    /// Digests of `username:password`, what a Basic `Authorization` header decodes to.
    let basic: [SecretDigest]
    let payloadSecret: (path: JSONPath, digest: SecretDigest)?
    let queryKey: (name: String, digest: SecretDigest)?
    let standardWebhooks: [StandardWebhooks.Key]
    let hmac: BodyHMAC?
    /// The adapter's check of the vendor's own signature (`vendor_signature`).
    let vendorSignature: VendorSignatureVerifier?
    /// The member names leading to the payload secret when its path is a plain chain (`$.a.b`).
    let payloadSecretMembers: [String]?
    /// What a request must carry, for the 401 message: "a bearer token or a Standard Webhooks signature".
    let expectation: String

    /// Validates the settings and prepares them for checking requests.
    /// - Parameters:
    ///   - auth: the source's `auth`; `nil` is an open source.
    ///   - trustedProxies: `server.trusted_proxies`, whose `X-Forwarded-For` is believed.
    /// - Throws: `MessageError` naming the setting at fault (an `allow_ips` entry that is not a CIDR
    ///   block, a `whsec_` secret that is not base64, …); messages never contain a secret.
    ///   - adapter: the source's adapter, which checks `vendor_signature` (its vendor's own scheme).
    public init(
        _ auth: CallGateConfig.SourceAuth?, trustedProxies: [String], adapter: (any VendorAdapter)? = nil
    ) throws(MessageError) {
        self.trustedProxies = try Self.networks(trustedProxies, "server.trusted_proxies")
        let auth = auth ?? CallGateConfig.SourceAuth()
        allowIPs = try Self.networks(auth.allowIPs, "auth.allow_ips")
        var expected: [String] = []

        for (i, token) in auth.bearer.enumerated() {
            try Self.checkUsable(token, "auth.bearer token \(i + 1)")
        }
        bearer = auth.bearer.map(SecretDigest.init)
        if !bearer.isEmpty { expected.append("a bearer token") }

        for (i, credentials) in auth.basic.enumerated() {
            guard !credentials.username.contains(":") else {
                throw MessageError("auth.basic username \(i + 1) contains ':', which Basic credentials cannot carry")
            }
            try Self.checkUsable(credentials.password, "auth.basic password \(i + 1)")
        }
        basic = auth.basic.map { SecretDigest(Array("\($0.username):\($0.password.value)".utf8)) }
        if !basic.isEmpty { expected.append("Basic credentials") }

        if let secret = auth.payloadSecret {
            // Only a chain of member names: the member must be removable before mapping, or the
            // secret would be copied into events.
            guard secret.path.root == .document, secret.path.isSingular, let members = Self.memberChain(secret.path)
            else {
                throw MessageError(
                    "auth.payload_secret.path must be a chain of member names from the root, such as $.extend.token")
            }
            try Self.checkUsable(secret.value, "auth.payload_secret.value")
            payloadSecret = (secret.path, SecretDigest(secret.value))
            payloadSecretMembers = members
            expected.append("the payload secret at \(secret.path)")
        } else {
            payloadSecret = nil
            payloadSecretMembers = nil
        }

        if let key = auth.queryKey {
            guard !key.name.isEmpty else { throw MessageError("auth.query_key.name is empty") }
            try Self.checkUsable(key.value, "auth.query_key.value")
            queryKey = (key.name, SecretDigest(key.value))
            expected.append("the '\(key.name)' parameter")
        } else {
            queryKey = nil
        }

        var keys: [StandardWebhooks.Key] = []
        for (i, secret) in auth.standardWebhooks.enumerated() {
            do {
                keys.append(try StandardWebhooks.Key(secret))
            } catch {
                throw MessageError(
                    "auth.standard_webhooks secret \(i + 1) of \(auth.standardWebhooks.count) must be whsec_ "
                        + "followed by base64")
            }
        }
        standardWebhooks = keys
        if !keys.isEmpty { expected.append("a Standard Webhooks signature") }

        if let config = auth.hmac {
            for (i, secret) in config.secrets.enumerated() { try Self.checkUsable(secret, "auth.hmac secret \(i + 1)") }
            let verifier = try BodyHMAC(config)
            hmac = verifier
            expected.append("a signature in \(verifier.header)")
        } else {
            hmac = nil
        }

        if let settings = auth.vendorSignature {
            for (i, secret) in settings.secrets.enumerated() {
                try Self.checkUsable(secret, "auth.vendor_signature secret \(i + 1)")
            }
            guard let verifier = try adapter?.signatureVerifier(settings) else {
                throw MessageError(
                    "auth.vendor_signature: adapter '\(adapter?.name ?? "")' has no signature scheme of its own; use bearer, hmac or standard_webhooks"
                )
            }
            vendorSignature = verifier
            expected.append(verifier.expectation)
        } else {
            vendorSignature = nil
        }

        expectation = Self.alternatives(expected)
    }

    /// Whether the source accepts anyone: no credential method and no `allow_ips`.
    public var isOpen: Bool { allowIPs.isEmpty && !hasCredentials }

    /// Whether Standard Webhooks signatures are one of the credential methods.
    public var usesStandardWebhooks: Bool { !standardWebhooks.isEmpty }

    /// Whether any credential method is configured.
    public var hasCredentials: Bool { !expectation.isEmpty }

    /// Accepts the request or says why not.
    /// - Parameter now: the server clock, for the Standard Webhooks timestamp tolerance.
    /// - Throws: `GatewayError`: 403 `forbidden` when `allow_ips` is set and the client address is
    ///   not in it (or cannot be determined); 401 `unauthorized` when credential methods are set and
    ///   none succeeds.
    public func authenticate(_ request: InboundRequest, now: Timestamp) throws(GatewayError) {
        try checkAddress(request)
        guard hasCredentials else { return }
        var problems: [String] = []
        for method in methods {
            switch verdict(of: method, request, now: now) {
            case .valid: return
            case .absent: continue
            case .invalid(let problem): problems.append(problem)
            }
        }
        let detail = problems.isEmpty ? "" : "; " + problems.joined(separator: "; ")
        throw .unauthorized("missing or invalid credentials: expected \(expectation)\(detail)")
    }

    /// The configured credential methods, cheapest first: the first success ends the work.
    var methods: [Method] {
        var out: [Method] = []
        if !bearer.isEmpty { out.append(.bearer) }
        if !basic.isEmpty { out.append(.basic) }
        if queryKey != nil { out.append(.queryKey) }
        if payloadSecret != nil { out.append(.payloadSecret) }
        if hmac != nil { out.append(.hmac) }
        if !standardWebhooks.isEmpty { out.append(.standardWebhooks) }
        if vendorSignature != nil { out.append(.vendorSignature) }
        return out
    }

    enum Method {
        case bearer, basic, queryKey, payloadSecret, hmac, standardWebhooks, vendorSignature
    }

    func verdict(of method: Method, _ request: InboundRequest, now: Timestamp) -> CredentialVerdict {
        switch method {
        case .bearer: checkBearer(request)
        case .basic: checkBasic(request)
        case .queryKey: checkQueryKey(request)
        case .payloadSecret: checkPayloadSecret(request)
        case .hmac: hmac?.verify(request) ?? .absent
        case .standardWebhooks: StandardWebhooks.verify(request, keys: standardWebhooks, now: now)
        case .vendorSignature:
            if let verifier = vendorSignature, request.header(verifier.header) != nil {
                verifier.verifies(request) ? .valid : .invalid("the \(verifier.header) does not match")
            } else {
                .absent
            }
        }
    }

    static func networks(_ texts: [String], _ setting: String) throws(MessageError) -> [IPNetwork] {
        var out: [IPNetwork] = []
        for text in texts {
            do {
                out.append(try IPNetwork(text))
            } catch {
                throw MessageError("\(setting): \(error.message)")
            }
        }
        return out
    }

    /// Rejects secrets no request could present: empty, or with spaces that header parsing trims
    /// (often a newline kept from a secrets file).
    static func checkUsable(_ secret: Secret, _ what: String) throws(MessageError) {
        guard !secret.value.isEmpty else { throw MessageError("\(what) is empty") }
        let utf8 = secret.value.utf8
        guard !ASCII.isSpace(utf8.first!), !ASCII.isSpace(utf8.last!), !utf8.contains(where: { $0 == 10 || $0 == 13 })
        else { throw MessageError("\(what) has leading or trailing whitespace or a line break") }
    }

    /// `["a", "b", "c"]` → "a, b or c".
    static func alternatives(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}

/// What one credential method made of a request.
enum CredentialVerdict: Equatable {
    case valid
    /// The request does not carry this kind of credential at all.
    case absent
    /// It carries one that is malformed or wrong; the text says how, without quoting it.
    case invalid(String)
}
