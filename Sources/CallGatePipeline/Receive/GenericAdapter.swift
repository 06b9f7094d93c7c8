import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel

/// `adapter: generic`: serves a new vendor with a mapping file alone. It accepts JSON objects and,
/// for vendors that post forms, `application/x-www-form-urlencoded` bodies; query parameters are
/// available to the mapping under `$._query`.
public struct GenericAdapter: VendorAdapter {
    public let name = "generic"
    public let defaultRegion = "ZZ"
    public var defaultMapping: String? { nil }

    public init() {}

    public func input(from request: InboundRequest, source: SourceSettings) throws(GatewayError) -> AdapterInput {
        var object: JSONObject
        if request.isForm {
            object = FormURLEncoding.object(try request.formFields())
        } else {
            guard case .object(let o) = try request.jsonObjectBody() else {
                throw .malformedBody("expected a JSON object")
            }
            object = o
        }
        if !request.query.isEmpty { object["_query"] = .object(FormURLEncoding.object(request.query)) }
        return .payload(.json(.object(object)))
    }
}
