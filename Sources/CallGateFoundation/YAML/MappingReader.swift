import Yams

/// Reads a YAML mapping strictly: every key must be taken, and `finish()` reports the first key
/// nobody asked for, with its position and the keys that are allowed.
package struct MappingReader {
    let document: YAMLDocument
    package let node: Node
    private(set) var pairs: [(key: String, keyNode: Node, value: Node)] = []
    private var taken: Set<String> = []
    private let context: String

    /// - Parameter context: what the mapping is, for messages ("source", "sink 'crm'").
    package init(_ node: Node, in document: YAMLDocument, context: String) throws(LocatedError) {
        guard case .mapping(let mapping) = node else {
            throw document.error(node, "\(context) must be a mapping of keys to values")
        }
        self.document = document
        self.node = node
        self.context = context
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else { throw document.error(key, "keys must be plain strings") }
            if pairs.contains(where: { $0.key == scalar.string }) {
                throw document.error(key, "duplicate key '\(scalar.string)' in \(context)")
            }
            pairs.append((scalar.string, key, value))
        }
    }

    package var keys: [String] { pairs.map(\.key) }

    package func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    package mutating func take(_ key: String) -> Node? {
        taken.insert(key)
        return pairs.first { $0.key == key }?.value
    }

    package mutating func require(_ key: String) throws(LocatedError) -> Node {
        guard let value = take(key) else { throw document.error(node, "\(context) needs '\(key)'") }
        return value
    }

    /// Fails on the first key that was not taken.
    package func finish() throws(LocatedError) {
        for pair in pairs where !taken.contains(pair.key) {
            let allowed = taken.sorted().joined(separator: ", ")
            throw document.error(pair.keyNode, "unknown key '\(pair.key)' in \(context) (allowed: \(allowed))")
        }
    }
}

extension Node {
    /// The scalar's text, when this is a scalar.
    package var scalarText: String? {
        if case .scalar(let s) = self { return s.string }
        return nil
    }

    /// Whether the scalar was written in quotes (so `"true"` stays a string).
    var isQuotedScalar: Bool {
        if case .scalar(let s) = self { return s.style == .singleQuoted || s.style == .doubleQuoted }
        return false
    }

    package var sequenceNodes: [Node]? {
        if case .sequence(let s) = self { return Array(s) }
        return nil
    }
}

extension YAMLDocument {
    /// A YAML value as JSON, resolving plain scalars the YAML 1.2 core way (null, booleans,
    /// numbers) and keeping quoted scalars as strings.
    package func json(_ node: Node) throws(LocatedError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if node.isQuotedScalar || scalar.style == .literal || scalar.style == .folded {
                return .string(scalar.string)
            }
            return Self.plainScalar(scalar.string)
        case .sequence(let sequence):
            var out: [JSONValue] = []
            for element in sequence { out.append(try json(element)) }
            return .array(out)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard let k = key.scalarText else { throw error(key, "keys must be plain strings") }
                object[k] = try json(value)
            }
            return .object(object)
        case .alias:
            throw error(node, "YAML aliases are not supported here")
        }
    }

    static func plainScalar(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default:
            if let i = Int64(text) { return .int(i) }
            if let first = text.first, first.isNumber || first == "-" || first == "+" || first == ".",
                let d = Double(text), d.isFinite, !text.contains("_")
            {
                return .double(d)
            }
            return .string(text)
        }
    }
}
