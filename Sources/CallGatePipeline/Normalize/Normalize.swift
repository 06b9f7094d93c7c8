import CallGateAuth
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

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
            case unreadable(GatewayError)
            /// `authenticate` refused the request (401, 403).
            case refused(GatewayError)
            /// The payload cannot produce a valid record (`unmappable_payload`: 422).
            case unmappable(GatewayError)
        }

        public var failure: Failure
        /// The query as `Normalized.query` gives it, or as received when it could not be decoded.
        public var query: String?

        /// The refusal: `malformed_body`, `unmappable_payload`, `unauthorized`, … with its status
        /// (400, 401, 403, 415, 422).
        public var error: GatewayError {
            switch failure {
            case .unreadable(let error), .unmappable(let error), .refused(let error): error
            }
        }
        public var status: Int { error.status }
        public var code: String { error.code }
        public var message: String { error.message }
        public var description: String { error.description }
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
        _ request: InboundRequest, receivedAt: Timestamp,
        authenticate: ((MappingInput) throws(GatewayError) -> Void)? = nil
    ) throws(NormalizeError) -> Normalized {
        var request = request
        do throws(GatewayError) {
            request.query = secrets.strip(
                query: try FormURLEncoding.decode(request.rawQuery ?? "", maxFields: request.limits.maxFormFields))
        } catch {
            // Kept as received: it could not be split to drop a key.
            throw NormalizeError(
                failure: .unreadable(GatewayError(.malformedQuery, message: error.message)),
                query: request.rawQuery)
        }
        let kept = Self.encodeQuery(request.query)
        do throws(NormalizeError.Failure) {
            return Normalized(
                outcome: try outcome(of: request, receivedAt: receivedAt, authenticate: authenticate), query: kept)
        } catch {
            throw NormalizeError(failure: error, query: kept)
        }
    }

    /// Adapter, authentication, secret removal, mapping: the steps after the query is decoded.
    func outcome(
        of request: InboundRequest, receivedAt: Timestamp, authenticate: ((MappingInput) throws(GatewayError) -> Void)?
    ) throws(NormalizeError.Failure) -> Outcome {
        let input: MappingInput
        do throws(GatewayError) {
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
            do throws(GatewayError) {
                try authenticate(input)
            } catch {
                throw .refused(error)
            }
        }
        do throws(GatewayError) {
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
