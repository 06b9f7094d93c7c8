import CallGateFoundation
import HTTPTypes

/// A webhook as it reached the gateway, its header fields in swift-http-types' `HTTPFields`: the one
/// request type of the data path. The HTTP edge builds it; replay, the admin dry run and
/// `callgate map` rebuild it from a stored or given body; `SourcePipeline.normalize` decodes its
/// query; the adapter reads it; source authentication checks it.
public struct InboundRequest: Sendable {
    public var method: HTTPRequest.Method
    public var headers: HTTPFields
    /// The query string without `?`: percent-encoded as sent (`event=%E7%9D%80%E4%BF%A1&id=1`) or
    /// typed (`event=着信&id=1`); signatures over the URL use it as received.
    public var rawQuery: String?
    /// `rawQuery` decoded into parameters, in order: filled by `SourcePipeline.normalize` (without a
    /// `query_key` parameter) and by the ingest path before authentication.
    public var query: [(String, String)]
    /// The raw body, exactly as received: signatures are computed over these bytes.
    public var body: [UInt8]
    /// The address of the connecting peer as text, without a port (`127.0.0.1`, `::1`); `nil` when
    /// there is none (replay, the CLI).
    public var peer: String?
    /// Bounds on the body's and the query's structure (`server.max_object_members`,
    /// `max_form_fields`).
    public var limits: InputLimits
    /// The body as the adapter read it (parsed JSON, or BIZTEL's form and query parameters as one
    /// object), for credentials carried in the payload; `nil` until it is read.
    public var payload: JSONValue?

    public init(
        method: HTTPRequest.Method = .post, headers: HTTPFields = [:], rawQuery: String? = nil,
        query: [(String, String)] = [], body: [UInt8] = [], peer: String? = nil, limits: InputLimits = .ingest,
        payload: JSONValue? = nil
    ) {
        self.method = method
        self.headers = headers
        self.rawQuery = rawQuery
        self.query = query
        self.body = body
        self.peer = peer
        self.limits = limits
        self.payload = payload
    }

    /// A request with only a content type among its headers (fixtures, `callgate map`).
    public init(
        method: HTTPRequest.Method = .post, contentType: String?, rawQuery: String? = nil,
        query: [(String, String)] = [], body: [UInt8], limits: InputLimits = .ingest
    ) {
        var headers = HTTPFields()
        if let contentType { headers[.contentType] = contentType }
        self.init(method: method, headers: headers, rawQuery: rawQuery, query: query, body: body, limits: limits)
    }

    /// The `Content-Type` header, if any.
    public var contentType: String? { headers[.contentType] }

    /// The values of every header named `name` (case-insensitive), in order; none for a name that
    /// is not a valid field name.
    public func headerValues(_ name: String) -> [String] {
        HTTPField.Name(name).map { headers[values: $0] } ?? []
    }

    /// The value of the first header named `name`.
    public func header(_ name: String) -> String? { headerValues(name).first }

    /// The value of the first query parameter named `name` (exact match, as vendors send them).
    public func queryValue(_ name: String) -> String? {
        query.first { $0.0 == name }?.1
    }

    /// The body as form fields (`application/x-www-form-urlencoded`), in order.
    public func formFields() throws(GatewayError) -> [(String, String)] {
        try FormURLEncoding.decode(body, maxFields: limits.maxFormFields)
    }

    /// The media type without parameters, lowercased (`application/json`).
    public var mediaType: String? {
        guard let contentType else { return nil }
        let type = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? contentType
        return type.trimmingWhitespace().lowercased()
    }

    /// Whether the body is declared as JSON (`application/json`, `…+json`, or `text/json`).
    public var isJSON: Bool {
        guard let type = mediaType else { return false }
        return type == "application/json" || type == "text/json" || type.hasSuffix("+json")
    }

    public var isForm: Bool { mediaType == "application/x-www-form-urlencoded" }

    /// The body parsed into a tape (the mapping's fast path), with the same checks and errors as
    /// `jsonObjectBody()`.
    public func jsonObjectTape() throws(GatewayError) -> JSONTape {
        try checkJSONMediaType()
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: body, limits: limits)
        } catch {
            throw .malformedBody("the body is not valid JSON: \(error)")
        }
        guard tape.kind(JSONTape.root) == .object else {
            throw .malformedBody("expected a JSON object, got \(tape.value(JSONTape.root).kindName)")
        }
        return tape
    }

    /// The body parsed as a JSON object.
    /// - Throws: 415 when declared as something else, 400 when it is not a JSON object.
    public func jsonObjectBody() throws(GatewayError) -> JSONValue {
        try checkJSONMediaType()
        let value: JSONValue
        do {
            value = try JSONParser.parse(body, limits: limits)
        } catch {
            throw .malformedBody("the body is not valid JSON: \(error)")
        }
        guard case .object = value else {
            throw .malformedBody("expected a JSON object, got \(value.kindName)")
        }
        return value
    }

    func checkJSONMediaType() throws(GatewayError) {
        if let type = mediaType, !isJSON, type != "text/plain" {
            throw .unsupportedMediaType("expected application/json, got \(type)")
        }
    }
}

extension HTTPFields {
    /// Fields from (name, value) pairs, in order; a pair whose name is not a valid field name is
    /// left out.
    package init(_ pairs: [(String, String)]) {
        self.init()
        for (name, value) in pairs {
            if let name = HTTPField.Name(name) { append(HTTPField(name: name, value: value)) }
        }
    }
}
