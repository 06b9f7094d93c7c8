import CallGateAdapters
import CallGateAuth
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import HTTPTypes

/// `auth`: every credential method of `SourceAuthenticator`, the address checks and the removal of
/// secrets, on a request made of four NUL-separated fields: the peer address, header lines
/// (`Name: value`), the raw query string and the body (also read as the JSON payload).
enum AuthFuzz {
    /// Sources covering each method: all credential methods at once (so every one runs on an
    /// input that satisfies none), an address-checked source behind trusted proxies, a base64 HMAC
    /// in a custom header, and Twilio's own signature.
    static let configuration = """
        server: { trusted_proxies: [127.0.0.1/32, "::1/128", 10.0.0.0/8] }
        sources:
          - id: all
            adapter: generic
            mapping: aircall
            auth:
              bearer: [token-one, token-two]
              basic: [{ username: user, password: pass-word }]
              payload_secret: { path: $.extend.token, value: payload-secret }
              query_key: { name: key, value: query-secret }
              standard_webhooks: { secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }
              hmac: { secret: hmac-secret }
          - id: addresses
            adapter: generic
            mapping: aircall
            auth: { bearer: token-one, allow_ips: [192.0.2.0/24, "2001:db8::/32", 203.0.113.7/32] }
          - id: hmac-base64
            adapter: generic
            mapping: aircall
            auth: { hmac: { header: X-Signature, encoding: base64, prefix: "", secrets: [one-secret, two-secret] } }
          - id: twilio
            adapter: twilio
            auth: { vendor_signature: { secret: twilio-token, url: "https://hooks.example.com/v1/ingest/twilio" } }
        sinks:
          - { id: archive, type: file, path: /dev/null }
        """

    static let authenticators: [SourceAuthenticator] = {
        do {
            let config = try CallGateConfig(yaml: configuration, file: "fuzz.yaml", environment: [:])
            return try config.sources.map { source throws(MessageError) in
                let adapter = BuiltinAdapters.all.first { $0.name == source.adapter }
                return try SourceAuthenticator(
                    source.auth, trustedProxies: config.server.trustedProxies, adapter: adapter)
            }
        } catch {
            fatalError("the fuzz configuration is invalid: \(error)")
        }
    }()

    static let now = Timestamp(microseconds: 1_764_720_000_000_000)

    static func run(_ bytes: [UInt8]) {
        let parts = fields(bytes, count: 4)
        let headers = parts[1].split(separator: 0x0A).map { line -> (String, String) in
            let pieces = line.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
            return (text(Array(pieces[0])), pieces.count > 1 ? text(Array(pieces[1].drop { $0 == 0x20 })) : "")
        }
        let rawQuery = text(parts[2])
        let query = (try? FormURLEncoding.decode(rawQuery)) ?? []
        let payload = try? JSONParser.parse(parts[3])
        let request = InboundRequest(
            headers: HTTPFields(headers), rawQuery: rawQuery, query: query, body: parts[3],
            peer: parts[0].isEmpty ? nil : text(parts[0]), payload: payload)
        for authenticator in authenticators {
            _ = authenticator.clientAddress(of: request)
            do {
                try authenticator.authenticate(request, now: now)
            } catch {
                invariant(
                    error.status == 401 || error.status == 403, "an authentication failure of status \(error.status)")
            }
            if let payload { _ = authenticator.stripSecrets(from: payload) }
            _ = authenticator.stripSecrets(fromQuery: query)
        }
    }
}
