import AsyncHTTPClient
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import NIOCore
import NIOHTTP1

/// `type: http`: a POST to the sink's URL (or the method and URL a transform wrote). Redirects are
/// not followed; the response body is read up to 64 KiB.
struct HTTPSinkSender: SinkSender {
    let url: String
    let timeout: Duration
    let client: HTTPClient
    let oauth2: OAuth2TokenCache?

    func send(_ request: DeliveryRequest, eventId: String) async -> RetryPolicy.Outcome {
        await exchange(request, eventId: eventId).0
    }

    func exchange(_ request: DeliveryRequest, eventId: String) async -> (RetryPolicy.Outcome, [UInt8]) {
        var token = await oauth2?.token()
        if case .failure(let message)? = token { return (.failure(message), []) }
        var answer = await post(request, bearer: token?.value)
        // A 401 with an OAuth 2 token: the token may have been revoked; fetch a new one once.
        if case .response(401, _) = answer.0, let oauth2 {
            await oauth2.invalidate()
            token = await oauth2.token()
            if case .failure(let message)? = token { return (.failure(message), []) }
            answer = await post(request, bearer: token?.value)
        }
        return answer
    }

    func post(_ delivery: DeliveryRequest, bearer: String?) async -> (RetryPolicy.Outcome, [UInt8]) {
        var request = HTTPClientRequest(url: delivery.url ?? url)
        request.method = HTTPMethod(rawValue: delivery.method)
        request.headers.add(name: "content-type", value: delivery.contentType)
        request.headers.add(name: "user-agent", value: "CallGate/1")
        for header in delivery.headers { request.headers.add(name: header.name, value: header.value) }
        if let bearer { request.headers.replaceOrAdd(name: "authorization", value: "Bearer " + bearer) }
        request.body = .bytes(delivery.body)
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.nanoseconds)))
            // An answer longer than 64 KiB is cut there: nothing a transform reads is that far in.
            var body: [UInt8] = []
            do {
                for try await chunk in response.body {
                    body.append(contentsOf: chunk.readableBytesView.prefix(64 * 1024 - body.count))
                    if body.count >= 64 * 1024 { break }
                }
            } catch {}
            return (
                .response(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after")),
                body
            )
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return (.failure("timed out after \(timeout)"), [])
        } catch {
            return (.failure(Self.describe(error)), [])
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
