import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// BIZTEL call action (`adapter: biztel`).
///
/// BIZTEL calls an HTTP API per call event with whatever URL, method and body the admin wrote,
/// substituting variables such as `{ID}` and `{TEL}`. So the adapter accepts query parameters,
/// JSON bodies and form bodies alike and merges them into one input object (body values win over
/// query values of the same name). The event name is a parameter the admin fixes per action.
public struct BiztelAdapter: VendorAdapter {
    public let name = "biztel"
    public let defaultRegion = "JP"

    public init() {}

    /// A call action may be a GET whose parameters are all in the URL.
    public var acceptsGET: Bool { true }

    public var functions: [MappingFunction] { [Self.monitorLink] }

    public func input(from request: InboundRequest, source: SourceSettings) throws(GatewayError) -> AdapterInput {
        var object = FormURLEncoding.object(request.query)
        let body = request.body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if !body.isEmpty {
            let fields: JSONObject
            if request.isJSON || (request.mediaType == nil && body.first == UInt8(ascii: "{")) {
                guard case .object(let o) = try request.jsonObjectBody() else {
                    throw .malformedBody("expected a JSON object")
                }
                fields = o
            } else if request.isForm || request.mediaType == nil || request.mediaType == "text/plain" {
                fields = FormURLEncoding.object(try request.formFields())
            } else {
                throw .unsupportedMediaType(
                    "expected query parameters, application/json or application/x-www-form-urlencoded, got \(request.mediaType ?? "")"
                )
            }
            object.merge(fields)
        }
        guard !object.isEmpty else {
            throw .malformedBody("no parameters: put event and id ({ID}) in the action's URL or body")
        }
        return .payload(.json(.object(object)))
    }

    /// `biztel.monitor_link(id)`: the source's `recording_url` with `{ID}` replaced by the call id;
    /// null when the source sets no `recording_url`.
    public static let monitorLink = MappingFunction(
        name: "biztel.monitor_link", arity: 1...1,
        summary: "the source's recording_url with {ID} replaced by the call id"
    ) { args, context throws(MessageError) in
        guard let template = context.source.recordingURL, case .string(let id) = args[0], !id.isEmpty else {
            return .null
        }
        let safe = id.unicodeScalars.allSatisfy {
            $0.properties.isASCIIHexDigit
                || "0123456789.-_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars.contains($0)
        }
        guard safe else { throw MessageError("call id '\(id)' has characters that cannot go into a URL path") }
        return .string(template.replacingOccurrences(of: "{ID}", with: id))
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
