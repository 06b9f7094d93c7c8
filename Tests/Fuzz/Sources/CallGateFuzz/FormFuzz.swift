import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive

/// `form` and `query`: `application/x-www-form-urlencoded` bodies and query strings, decoded into
/// pairs and then into the object adapters map; a decoded pair must encode and decode back.
enum FormFuzz {
    static func runForm(_ bytes: [UInt8]) {
        guard let pairs = try? FormURLEncoding.decode(bytes) else { return }
        let object = FormURLEncoding.object(pairs)
        for (name, value) in pairs {
            invariant(object[name] != nil, "a decoded field is missing from the object")
            let encoded = FormURLEncoding.encode(name) + "=" + FormURLEncoding.encode(value)
            let back = try? FormURLEncoding.decode(encoded)
            invariant(back?.count == 1, "an encoded pair does not decode to one pair")
            invariant(back?.first?.0 == name && back?.first?.1 == value, "encode/decode changed a pair")
        }
    }

    /// A query arrives as text (the server's raw query string).
    static func runQuery(_ bytes: [UInt8]) {
        guard let pairs = try? FormURLEncoding.decode(text(bytes)) else { return }
        _ = FormURLEncoding.object(pairs)
        let rebuilt = pairs.map { FormURLEncoding.encode($0.0) + "=" + FormURLEncoding.encode($0.1) }
            .joined(separator: "&")
        let back = try? FormURLEncoding.decode(rebuilt)
        invariant(back?.count == pairs.count, "a rebuilt query has a different number of parameters")
    }
}
