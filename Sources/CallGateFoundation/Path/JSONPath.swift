/// A compiled JSONPath query: the RFC 9535 subset CallGate supports.
///
/// Supported: the root `$`, the current node `@`, `.name`, `['name']`, `[0]`, `[-1]`, `[*]`, `.*`
/// and filters `[?…]` with comparisons (`== != < <= > >=`), `&&`, `||`, `!`, parentheses and
/// existence tests. Descendant segments (`..`), slices, unions and function extensions are
/// rejected with a "not supported" error instead of being evaluated wrongly.
///
/// Mapping files may also start a path with a variable, `$name` (not part of RFC 9535), which the
/// mapping engine resolves to a value bound by `for_each`, `each` or `let`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// Where evaluation starts.
    public enum Root: Sendable, Hashable {
        /// `$`: the whole document.
        case document
        /// `@`: the current node (the element of `for_each` / `each`, or a filter's candidate).
        case current
        /// `$name`: a value bound by name in a mapping.
        case variable(String)
    }

    package enum Segment: Sendable, Hashable {
        case name(String)
        case index(Int)
        case wildcard
        case filter(FilterExpression)
    }

    public let root: Root
    package let segments: [Segment]
    /// The text the path was compiled from.
    public let description: String

    package init(root: Root, segments: [Segment], description: String) {
        self.root = root
        self.segments = segments
        self.description = description
    }

    /// Compiles `text`.
    /// - Parameter allowVariables: accept `$name` roots (mapping files); off for strict RFC 9535.
    /// - Throws: `JSONPathError` with the character offset of the problem.
    public init(_ text: String, allowVariables: Bool = false) throws(JSONPathError) {
        var parser = JSONPathParser(text, allowVariables: allowVariables)
        self = try parser.parseQuery()
    }

    /// Whether the path can select at most one node (names and indices only).
    public var isSingular: Bool {
        segments.allSatisfy {
            switch $0 {
            case .name, .index: true
            case .wildcard, .filter: false
            }
        }
    }

    /// Every node selected from `start`, in document order. `document` is what `$` means inside
    /// filters.
    public func select(from start: JSONValue, document: JSONValue) -> [JSONValue] {
        var nodes = [start]
        for segment in segments {
            var next: [JSONValue] = []
            for node in nodes { Self.apply(segment, to: node, document: document, into: &next) }
            if next.isEmpty { return [] }
            nodes = next
        }
        return nodes
    }

    /// The first node selected, or `nil` when nothing matched. Walks singular paths without
    /// building intermediate arrays: the common case on the hot path.
    public func first(from start: JSONValue, document: JSONValue) -> JSONValue? {
        var node = start
        for (i, segment) in segments.enumerated() {
            switch segment {
            case .name(let name):
                guard case .object(let o) = node, let v = o[name] else { return nil }
                node = v
            case .index(let index):
                guard case .array(let a) = node else { return nil }
                let i = index < 0 ? a.count + index : index
                guard i >= 0, i < a.count else { return nil }
                node = a[i]
            case .wildcard, .filter:
                let rest = JSONPath(root: root, segments: Array(segments[i...]), description: description)
                return rest.select(from: node, document: document).first
            }
        }
        return node
    }

    package static func apply(_ segment: Segment, to node: JSONValue, document: JSONValue, into out: inout [JSONValue])
    {
        switch segment {
        case .name(let name):
            if case .object(let o) = node, let v = o[name] { out.append(v) }
        case .index(let index):
            if case .array(let a) = node {
                let i = index < 0 ? a.count + index : index
                if i >= 0, i < a.count { out.append(a[i]) }
            }
        case .wildcard:
            switch node {
            case .array(let a): out.append(contentsOf: a)
            case .object(let o): out.append(contentsOf: o.values)
            default: break
            }
        case .filter(let expression):
            switch node {
            case .array(let a):
                for element in a where expression.test(current: element, document: document) { out.append(element) }
            case .object(let o):
                for element in o.values where expression.test(current: element, document: document) {
                    out.append(element)
                }
            default: break
            }
        }
    }
}

/// Why a path could not be compiled.
public struct JSONPathError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether the text is valid RFC 9535 that CallGate deliberately does not evaluate.
    public var notSupported: Bool
    public var message: String
    /// Character offset in the path text.
    public var offset: Int
    public var description: String {
        (notSupported ? "not supported: " : "") + message + " (at character \(offset + 1))"
    }
}
