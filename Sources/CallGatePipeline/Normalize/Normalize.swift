import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// A request as it arrived, before anything in it is decoded: what ingest, replay, the admin dry
/// run and `callgate map` hand to `SourcePipeline.normalize`.
public struct RawRequest: Sendable {
    public var method: String
    /// The `Content-Type` header, if any.
    public var contentType: String?
    /// The query string without `?`: percent-encoded as sent (`event=%E7%9D%80%E4%BF%A1&id=1`) or
    /// typed (`event=着信&id=1`).
    public var query: String?
    public var body: [UInt8]
    /// Bounds on the body's and the query's structure (`server.max_object_members`,
    /// `max_form_fields`).
    public var limits: InputLimits

    public init(
        method: String = "POST", contentType: String?, query: String?, body: [UInt8], limits: InputLimits = .ingest
    ) {
        self.method = method
        self.contentType = contentType
        self.query = query
        self.body = body
        self.limits = limits
    }
}

extension SourcePipeline {
    /// What `normalize` made of a request.
    public struct Normalized: Sendable {
        public var outcome: Outcome
        /// The query to keep with the request: decoded, without the `query_key` parameter, encoded
        /// again; `nil` when empty.
        public var query: String?
    }

    /// Why `normalize` produced no events, with the query to keep beside a quarantined body.
    public struct NormalizeError: Error, Sendable, CustomStringConvertible {
        public enum Failure: Error, Sendable {
            /// The query or the body cannot be read (`malformed_query`, `malformed_body`: 400) or has
            /// a content type the vendor never sends (`unsupported_media_type`: 415).
            case unreadable(IngestError)
            /// `authenticate` refused the request (401, 403).
            case refused(AuthFailure)
            /// The payload cannot produce a valid record (`unmappable_payload`: 422).
            case unmappable(IngestError)
        }

        public var failure: Failure
        /// The query as `Normalized.query` gives it, or as received when it could not be decoded.
        public var query: String?

        /// The HTTP status the code carries (400, 401, 403, 415, 422).
        public var status: Int {
            switch failure {
            case .unreadable(let error), .unmappable(let error): error.status
            case .refused(let failure): failure.status
            }
        }

        /// The stable error code (`malformed_body`, `unmappable_payload`, `unauthorized`, …).
        public var code: String {
            switch failure {
            case .unreadable(let error), .unmappable(let error): error.code
            case .refused(let failure): failure.code
            }
        }

        public var message: String {
            switch failure {
            case .unreadable(let error), .unmappable(let error): error.message
            case .refused(let failure): failure.message
            }
        }

        public var description: String {
            switch failure {
            case .unreadable(let error), .unmappable(let error): error.description
            case .refused(let failure): failure.description
            }
        }
    }

    /// The one path from a request to events, shared by ingest, replay, the admin dry run
    /// (`POST /v1/admin/map`) and `callgate map`: decodes the query and removes the `query_key`
    /// parameter, reads the request through the adapter (a handshake ends there), calls
    /// `authenticate` with the input, removes the credentials it carries (`payload_secret`, a
    /// merged `query_key`) and runs the mapping.
    ///
    /// Pure: no I/O, no clock. Ingest authenticates a source whose credentials are outside the
    /// payload before calling it, and one whose credentials are in the payload through
    /// `authenticate`; the other callers authenticate nothing.
    /// - Parameter authenticate: checks the credentials of the input (the payload as the adapter
    ///   read it, secrets included) before it is mapped.
    /// - Throws: `NormalizeError`.
    public func normalize(
        _ request: RawRequest, receivedAt: Timestamp,
        authenticate: ((MappingInput) throws(AuthFailure) -> Void)? = nil
    ) throws(NormalizeError) -> Normalized {
        let query: [(String, String)]
        do throws(IngestError) {
            query = secrets.strip(
                query: try FormURLEncoding.decode(request.query ?? "", maxFields: request.limits.maxFormFields))
        } catch {
            // Kept as received: it could not be split to drop a key.
            throw NormalizeError(
                failure: .unreadable(IngestError(.malformedQuery, message: error.message)),
                query: request.query)
        }
        let kept = Self.encodeQuery(query)
        let ingest = IngestRequest(
            method: request.method, contentType: request.contentType, query: query, body: request.body,
            limits: request.limits)
        do throws(NormalizeError.Failure) {
            return Normalized(
                outcome: try outcome(of: ingest, receivedAt: receivedAt, authenticate: authenticate), query: kept)
        } catch {
            throw NormalizeError(failure: error, query: kept)
        }
    }

    /// Adapter, authentication, secret removal, mapping: the steps after the query is decoded.
    func outcome(
        of request: IngestRequest, receivedAt: Timestamp, authenticate: ((MappingInput) throws(AuthFailure) -> Void)?
    ) throws(NormalizeError.Failure) -> Outcome {
        let input: MappingInput
        do throws(IngestError) {
            switch try adapter.input(from: request, source: settings) {
            case .handshake(let response):
                return .handshake(response)
            case .payload(let value):
                input = value
            }
        } catch {
            throw .unreadable(error)
        }
        if let authenticate {
            do throws(AuthFailure) {
                try authenticate(input)
            } catch {
                throw .refused(error)
            }
        }
        do throws(IngestError) {
            return .events(try events(from: secrets.strip(input), receivedAt: receivedAt))
        } catch {
            throw .unmappable(error)
        }
    }

    /// Query parameters as they are stored: `name=value` pairs, form-encoded; `nil` when empty.
    public static func encodeQuery(_ pairs: [(String, String)]) -> String? {
        guard !pairs.isEmpty else { return nil }
        return pairs.map { FormURLEncoding.encode($0.0) + "=" + FormURLEncoding.encode($0.1) }.joined(separator: "&")
    }
}
