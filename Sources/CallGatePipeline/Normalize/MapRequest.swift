import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Foundation

/// Builds the request `callgate map`, the admin dry run (`raw`) and the golden tests (`make`) feed to
/// a source, the way a vendor would send it: a body with a content type, and query parameters.
public enum MapRequest {
    /// - Parameters:
    ///   - body: the request body (may be empty for query-only BIZTEL actions).
    ///   - query: a raw query string (`event=%E7%9D%80%E4%BF%A1&id=1`), without `?`.
    ///   - contentType: explicit content type; when `nil` it is guessed from the body: JSON when it
    ///     starts with `{` or `[`, a form otherwise, none when empty.
    public static func make(body: [UInt8], query: String?, contentType: String?) throws(GatewayError)
        -> InboundRequest
    {
        var request = raw(body: body, query: query, contentType: contentType)
        request.query = try query.map { q throws(GatewayError) in try FormURLEncoding.decode(q) } ?? []
        return request
    }

    /// The request as `SourcePipeline.normalize` takes it (the query still undecoded): a GET when
    /// the body is empty, a POST otherwise, the content type guessed as for `make`.
    public static func raw(
        body: [UInt8], query: String?, contentType: String?, limits: InputLimits = .ingest
    ) -> InboundRequest {
        InboundRequest(
            method: body.isEmpty ? .get : .post, contentType: contentType ?? guessContentType(body), rawQuery: query,
            body: body, limits: limits)
    }

    static func guessContentType(_ body: [UInt8]) -> String? {
        guard
            let first = body.first(where: {
                $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF
            })
        else {
            return nil
        }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
            ? "application/json" : "application/x-www-form-urlencoded"
    }
}

extension Timestamp {
    /// The current time.
    public static var now: Timestamp {
        Timestamp(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }

    /// Parses RFC 3339 text (`2026-01-01T00:00:00Z`).
    public init?(rfc3339 text: String) {
        guard let t = try? TimeFormat.iso8601.parse(.string(text), zone: nil) else { return nil }
        self = t
    }
}
