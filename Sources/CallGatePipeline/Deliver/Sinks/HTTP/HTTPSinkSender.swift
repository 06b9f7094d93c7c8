import AsyncHTTPClient
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import NIOCore
import NIOHTTP1

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
