import AsyncHTTPClient
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import NIOCore

/// OAuth 2 client credentials (RFC 6749 §4.4): a token fetched from the sink's token endpoint,
/// kept until shortly before it expires, fetched again after a 401.
actor OAuth2TokenCache {
    let settings: CallGateConfig.OAuth2
    let client: HTTPClient
    /// One deadline for the whole token request: connecting, the head and the body.
    let timeout: Duration
    private var cached: (value: String, expires: ContinuousClock.Instant)?
    /// A fetch under way: concurrent deliveries wait for it instead of fetching their own.
    private var fetching: Task<Fetched, Never>?

    /// The longest lifetime believed: a token endpoint's `expires_in` is clamped to 0…1 year.
    static let longestLifetime: Double = 365 * 86_400

    init(settings: CallGateConfig.OAuth2, client: HTTPClient, timeout: Duration = .seconds(15)) {
        self.settings = settings
        self.client = client
        self.timeout = timeout
    }

    enum Token {
        case success(String)
        case failure(String)
        var value: String? { if case .success(let v) = self { v } else { nil } }
    }

    /// A token and how many seconds it may be used.
    struct Fetched: Sendable {
        var token: Token
        var lifetime: Double = 0
    }

    func invalidate() { cached = nil }

    func token() async -> Token {
        if let cached, ContinuousClock.now < cached.expires { return .success(cached.value) }
        if let fetching { return await fetching.value.token }
        let task = Task { [settings, client, timeout] in
            switch await bounded(by: timeout, { await Self.fetch(settings: settings, client: client) }) {
            case .finished(let fetched): fetched
            case .timedOut, .aborted: Fetched(token: .failure("the token endpoint did not answer within \(timeout)"))
            }
        }
        fetching = task
        let fetched = await task.value
        fetching = nil
        if case .success(let value) = fetched.token {
            // Renewed a little early, so a token does not expire in flight.
            let usable = max(0, fetched.lifetime - min(60, fetched.lifetime / 10))
            cached = (value, ContinuousClock.now + .milliseconds(Int64(usable * 1000)))
        }
        return fetched.token
    }

    /// `expires_in` in seconds, within 0…1 year: a number or a numeric string (some endpoints
    /// send `"3599"`); 3600 when absent (RFC 6749 leaves the default to the server); 0 (use once,
    /// then fetch again) for anything else, a negative number or not a number at all.
    static func lifetime(_ value: JSONValue?) -> Double {
        let seconds: Double?
        switch value {
        case nil, .null?: return 3600
        case .string(let text)?: seconds = Double(text)
        default: seconds = value?.numberValue
        }
        guard let seconds, !seconds.isNaN else { return 0 }
        return min(max(seconds, 0), longestLifetime)
    }

    private static func fetch(settings: CallGateConfig.OAuth2, client: HTTPClient) async -> Fetched {
        var form = [("grant_type", "client_credentials")]
        if let scope = settings.scope { form.append(("scope", scope)) }
        var request = HTTPClientRequest(url: settings.tokenURL)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "accept", value: "application/json")
        let credentials = Array((settings.clientId + ":" + settings.clientSecret.value).utf8)
        request.headers.add(name: "authorization", value: "Basic " + Base64.encode(credentials))
        request.body = .bytes(
            Array(
                form.map { FormURLEncoding.encode($0.0) + "=" + FormURLEncoding.encode($0.1) }.joined(separator: "&")
                    .utf8))
        do {
            let response = try await client.execute(request, timeout: .seconds(15))
            let body = try await response.body.collect(upTo: 64 * 1024)
            guard response.status.code == 200 else {
                return Fetched(token: .failure("the token endpoint answered \(response.status.code)"))
            }
            let json = try JSONParser.parse(Array(buffer: body))
            guard let token = json["access_token"]?.stringValue, !token.isEmpty else {
                return Fetched(token: .failure("the token endpoint's answer has no access_token"))
            }
            return Fetched(token: .success(token), lifetime: lifetime(json["expires_in"]))
        } catch {
            return Fetched(
                token: .failure("the token endpoint could not be reached: \(HTTPSinkSender.describe(error))"))
        }
    }
}
