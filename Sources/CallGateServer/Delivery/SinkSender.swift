import AsyncHTTPClient
import CallGateCore
import Foundation
import NIOCore
import NIOHTTP1

/// Sends one delivery request and reports what came back; never throws.
protocol SinkSender: Sendable {
    func send(_ request: DeliveryRequest, eventId: String) async -> RetryPolicy.Outcome
}

/// `type: http`: a POST to the sink's URL. Redirects are not followed; the response body is read
/// (up to 64 KiB) and dropped.
struct HTTPSinkSender: SinkSender {
    let url: String
    let timeout: Duration
    let client: HTTPClient
    let oauth2: OAuth2TokenCache?

    func send(_ request: DeliveryRequest, eventId: String) async -> RetryPolicy.Outcome {
        var token = await oauth2?.token()
        if case .failure(let message)? = token { return .failure(message) }
        var outcome = await post(request, bearer: token?.value)
        // A 401 with an OAuth 2 token: the token may have been revoked; fetch a new one once.
        if case .response(401, _) = outcome, let oauth2 {
            await oauth2.invalidate()
            token = await oauth2.token()
            if case .failure(let message)? = token { return .failure(message) }
            outcome = await post(request, bearer: token?.value)
        }
        return outcome
    }

    func post(_ delivery: DeliveryRequest, bearer: String?) async -> RetryPolicy.Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: delivery.contentType)
        request.headers.add(name: "user-agent", value: "CallGate/1")
        for header in delivery.headers { request.headers.add(name: header.name, value: header.value) }
        if let bearer { request.headers.replaceOrAdd(name: "authorization", value: "Bearer " + bearer) }
        request.body = .bytes(delivery.body)
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.nanoseconds)))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return .response(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .failure("timed out after \(timeout)")
        } catch {
            return .failure(Self.describe(error))
        }
    }

    /// A short reason without the request (which could carry credentials).
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectTimeout") { return "connection timed out" }
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return String(text.prefix(200))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

/// OAuth 2 client credentials (RFC 6749 §4.4): a token fetched from the sink's token endpoint,
/// kept until shortly before it expires, fetched again after a 401.
actor OAuth2TokenCache {
    let settings: CallGateConfig.OAuth2
    let client: HTTPClient
    private var cached: (value: String, expires: ContinuousClock.Instant)?
    /// A fetch under way: concurrent deliveries wait for it instead of fetching their own.
    private var fetching: Task<Token, Never>?

    init(settings: CallGateConfig.OAuth2, client: HTTPClient) {
        self.settings = settings
        self.client = client
    }

    enum Token {
        case success(String)
        case failure(String)
        var value: String? { if case .success(let v) = self { v } else { nil } }
    }

    func invalidate() { cached = nil }

    func token() async -> Token {
        if let cached, ContinuousClock.now < cached.expires { return .success(cached.value) }
        if let fetching { return await fetching.value }
        let task = Task { await fetch() }
        fetching = task
        let token = await task.value
        fetching = nil
        if case .success(let value) = token, let lifetime = lastLifetime {
            // Renewed a little early, so a token does not expire in flight.
            let usable = max(0, lifetime - min(60, lifetime / 10))
            cached = (value, ContinuousClock.now + .milliseconds(Int64(usable * 1000)))
        }
        return token
    }

    private var lastLifetime: Double?

    private func fetch() async -> Token {
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
                return .failure("the token endpoint answered \(response.status.code)")
            }
            let json = try JSONParser.parse(Array(buffer: body))
            guard let token = json["access_token"]?.stringValue, !token.isEmpty else {
                return .failure("the token endpoint's answer has no access_token")
            }
            lastLifetime = json["expires_in"]?.numberValue ?? 3600
            return .success(token)
        } catch {
            return .failure("the token endpoint could not be reached: \(HTTPSinkSender.describe(error))")
        }
    }
}
