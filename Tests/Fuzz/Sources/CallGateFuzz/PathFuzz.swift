import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive

/// `jsonpath`: a path expression (first field), compiled with and without variables, then
/// evaluated against a JSON document (second field, when it parses).
enum PathFuzz {
    static func run(_ bytes: [UInt8]) {
        let parts = fields(bytes, separator: 0x0A, count: 2)
        let expression = text(parts[0])
        _ = try? JSONPath(expression, allowVariables: true)
        guard let path = try? JSONPath(expression) else { return }
        _ = path.isSingular
        let reparsed = try? JSONPath(path.description)
        invariant(reparsed != nil, "a path's description does not parse: \(path.description)")
        let document = (try? JSONParser.parse(parts[1])) ?? .object(JSONObject())
        let all = path.select(from: document, document: document)
        let first = path.first(from: document, document: document)
        invariant(first == all.first, "first(from:) is not the first node select(from:) finds")
    }
}
