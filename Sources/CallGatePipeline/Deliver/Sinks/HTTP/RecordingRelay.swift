import AsyncHTTPClient
import CallGateConfig
import CallGateFoundation
import NIOCore
import NIOHTTP1

/// The recording relay (Docs/targets.md, "Recording relay"): the call's recording fetched from its
/// source and PUT to the upload URL the destination gave, streamed chunk by chunk with
/// back-pressure, so memory stays bounded by a few chunks whatever the file's size.
struct RecordingRelay: Sendable {
    let client: HTTPClient

    /// How a relay ended.
    enum Result: Sendable, Equatable {
        /// The upload URL answered (2xx: uploaded).
        case uploaded(RetryPolicy.Outcome, bytes: Int64)
        /// The recording's source answered with a failure status.
        case fetchFailed(RetryPolicy.Outcome)
        /// The recording is larger than `recording.max_bytes`.
        case tooLarge(Int64)
        /// No answer from either side (connection, timeout).
        case failure(String)
    }

    /// Streams `source` (with `auth`) to `target`.
    func relay(
        from source: String, auth: CallGateConfig.RecordingAuth?, to target: String, maxBytes: Int64,
        timeout: Duration
    ) async -> Result {
        var get = HTTPClientRequest(url: source)
        get.method = .GET
        get.headers.add(name: "user-agent", value: "CallGate/1")
        // The same bearer and Basic headers a sink's `auth` sends.
        for header in (try? DeliveryRequest.authHeaders(auth?.sinkAuth, eventId: "", timestamp: 0, body: [])) ?? [] {
            get.headers.add(name: header.name, value: header.value)
        }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout.nanoseconds))
        do {
            let response = try await client.execute(get, deadline: deadline)
            let status = Int(response.status.code)
            guard (200...299).contains(status) else {
                return .fetchFailed(
                    .response(status: status, retryAfter: response.headers.first(name: "retry-after")))
            }
            let length = response.headers.first(name: "content-length").flatMap { Int64($0) }
            if let length, length > maxBytes { return .tooLarge(length) }
            var put = HTTPClientRequest(url: target)
            put.method = .PUT
            put.headers.add(
                name: "content-type",
                value: response.headers.first(name: "content-type") ?? Self.contentType(ofPath: source))
            let body = LimitedBody(base: response.body, maxBytes: maxBytes)
            put.body = .stream(body, length: length.map { .known($0) } ?? .unknown)
            let answer = try await client.execute(put, deadline: deadline)
            _ = try? await answer.body.collect(upTo: 16 * 1024)
            return .uploaded(
                .response(status: Int(answer.status.code), retryAfter: answer.headers.first(name: "retry-after")),
                bytes: length ?? -1)
        } catch let error as LimitedBody.TooLarge {
            return .tooLarge(error.seen)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .failure("the recording relay timed out after \(timeout)")
        } catch {
            return .failure(HTTPSinkSender.describe(error))
        }
    }

    /// A content type from a recording URL's extension, for sources that send none.
    static func contentType(ofPath url: String) -> String {
        let path = url.split(separator: "?").first.map(String.init) ?? url
        switch path.split(separator: ".").last?.lowercased() {
        case "mp3": return "audio/mpeg"
        case "wav": return "audio/wav"
        case "m4a", "mp4": return "audio/mp4"
        default: return "application/octet-stream"
        }
    }
}

/// A response body passed on as a request body, failing once more than `maxBytes` went through.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: HTTPClientResponse.Body
    let maxBytes: Int64

    struct TooLarge: Error { let seen: Int64 }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: HTTPClientResponse.Body.AsyncIterator
        let maxBytes: Int64
        var seen: Int64 = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            seen += Int64(chunk.readableBytes)
            if seen > maxBytes { throw TooLarge(seen: seen) }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), maxBytes: maxBytes)
    }
}
