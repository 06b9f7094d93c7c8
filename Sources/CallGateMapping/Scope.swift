import CallGateFoundation
import CallGateModel

/// A value while a mapping runs: a node of the payload's tape (nothing copied), the nodes a path
/// selected, or a value the mapping built. Payload values become `JSONValue`s only where the
/// mapping emits or transforms them.
enum Value {
    case node(Int)
    case nodes([Int])
    case json(JSONValue)

    static let null = Value.json(.null)
}

/// The state of one evaluation: the payload, the current element and the variable slots.
///
/// Expressions take it `inout`; evaluate subexpressions into locals before passing their values
/// to a method of the scope, or the whole scope is copied for the call.
struct Scope {
    /// The payload's tape when it was parsed into one (empty when the payload is a `JSONValue`).
    let tape: JSONTape
    let document: Value
    var current: Value
    var slots: [Value]
    let nullStrings: [String]
    let zone: TimeZoneSpec?
    let region: String
    let functionContext: FunctionContext

    func start(of reference: PathReference) -> Value {
        switch reference.start {
        case .document: return document
        case .current: return current
        case .slot(let slot): return slots[slot]
        }
    }

    /// The first node `reference` selects, or nil.
    func first(_ reference: PathReference) -> Value? {
        let segments = reference.segments
        var value = start(of: reference)
        var n = 0
        while n < segments.count {
            guard case .node(let i) = value else { break }
            switch segments[n] {
            case .name(let name):
                guard let k = tape.member(i, name) else { return nil }
                value = .node(k)
            case .index(let index):
                guard let k = tape.element(i, index) else { return nil }
                value = .node(k)
            default:
                return select(segments[n...], from: value).first
            }
            n += 1
        }
        if n == segments.count { return value }
        return first(reference.path, from: value, at: n)
    }

    /// The value as a `JSONValue` (payload nodes are copied out here).
    func json(_ value: Value) -> JSONValue {
        switch value {
        case .json(let v): return v
        case .node(let i): return tape.value(i)
        case .nodes(let list): return .array(list.map { tape.value($0) })
        }
    }

    func isNull(_ value: Value) -> Bool {
        switch value {
        case .json(let v): return v.isNull
        case .node(let i): return tape.kind(i) == .null
        case .nodes: return false
        }
    }

    /// Null, "" or an empty array: the values that mean "nothing known".
    func isEmpty(_ value: Value) -> Bool {
        switch value {
        case .json(let v): return v.isEmptyValue
        case .node(let i):
            let node = tape.nodes[i]
            switch node.kind {
            case .null: return true
            case .string: return node.b == 0
            case .array: return node.a == 0
            default: return false
            }
        case .nodes(let list): return list.isEmpty
        }
    }

    /// Text of a scalar, as `Expression.text(of:)`.
    func text(_ value: Value) throws(EvaluationError) -> String {
        if case .node(let i) = value, tape.kind(i) == .string { return tape.string(i) }
        return try Expression.text(of: json(value))
    }

    /// Equality where "" and null both mean "nothing"; otherwise RFC 9535 equality.
    func equal(_ a: Value, _ b: Value) -> Bool {
        if isEmpty(a) || isEmpty(b) { return isEmpty(a) && isEmpty(b) }
        switch (a, b) {
        case (.node(let i), .json(.string(let s))), (.json(.string(let s)), .node(let i)):
            return tape.stringEquals(i, s)
        case (.node(let i), .node(let j)) where tape.kind(i) == .string && tape.kind(j) == .string:
            return tape.stringsEqual(i, j)
        default:
            return JSONValue.semanticallyEqual(json(a), json(b))
        }
    }

    func isArray(_ value: Value) -> Bool {
        switch value {
        case .json(let v): if case .array = v { return true } else { return false }
        case .node(let i): return tape.kind(i) == .array
        case .nodes: return true
        }
    }

    /// Whether the value is the string `text`.
    func isString(_ value: Value, _ text: String) -> Bool {
        switch value {
        case .node(let i): return tape.stringEquals(i, text)
        case .json(.string(let s)): return s == text
        default: return false
        }
    }

    /// The elements to iterate: an array's elements, nothing for null, else the value itself.
    func elements(_ value: Value) -> [Value] {
        switch value {
        case .json(.null): return []
        case .json(.array(let a)): return a.map { .json($0) }
        case .json: return [value]
        case .nodes(let list): return list.map { .node($0) }
        case .node(let i):
            switch tape.kind(i) {
            case .null: return []
            case .array: return tape.children(i).map { .node($0) }
            default: return [value]
            }
        }
    }

    /// Several values as one array value; payload nodes stay nodes.
    func list(_ values: [Value]) -> Value {
        var indices: [Int] = []
        indices.reserveCapacity(values.count)
        for value in values {
            guard case .node(let i) = value else { return .json(.array(values.map { json($0) })) }
            indices.append(i)
        }
        return .nodes(indices)
    }

    // MARK: Paths

    /// The first node `path` selects from `start`, or nil.
    func first(_ path: JSONPath, from start: Value, at startSegment: Int = 0) -> Value? {
        var value = start
        for n in startSegment..<path.segments.count {
            let segment = path.segments[n]
            switch (value, segment) {
            case (.node(let i), .name(let name)):
                guard let k = tape.member(i, name) else { return nil }
                value = .node(k)
            case (.node(let i), .index(let index)):
                guard let k = tape.element(i, index) else { return nil }
                value = .node(k)
            case (.json(let v), _):
                if n == 0 { return path.first(from: v, document: documentJSON(for: path)).map { .json($0) } }
                let rest = JSONPath(
                    root: path.root, segments: Array(path.segments[n...]), description: path.description)
                return rest.first(from: v, document: documentJSON(for: rest)).map { .json($0) }
            default:
                return select(path.segments[n...], from: value).first
            }
        }
        return value
    }

    /// Every node `path` selects from `start`, in document order.
    func select(_ path: JSONPath, from start: Value) -> [Value] {
        select(path.segments[...], from: start)
    }

    func select(_ segments: ArraySlice<JSONPath.Segment>, from start: Value) -> [Value] {
        var values = [start]
        for segment in segments {
            var next: [Value] = []
            for value in values { apply(segment, to: value, into: &next) }
            if next.isEmpty { return [] }
            values = next
        }
        return values
    }

    func apply(_ segment: JSONPath.Segment, to value: Value, into out: inout [Value]) {
        switch value {
        case .json(let v):
            var selected: [JSONValue] = []
            JSONPath.apply(segment, to: v, document: documentJSON(segment), into: &selected)
            for s in selected { out.append(.json(s)) }
        case .nodes(let list):
            switch segment {
            case .name: break
            case .index(let index):
                let i = index < 0 ? list.count + index : index
                if i >= 0, i < list.count { out.append(.node(list[i])) }
            case .wildcard:
                for i in list { out.append(.node(i)) }
            case .filter(let expression):
                let document = json(self.document)
                for i in list where expression.test(current: tape.value(i), document: document) {
                    out.append(.node(i))
                }
            }
        case .node(let i):
            switch segment {
            case .name(let name):
                if let k = tape.member(i, name) { out.append(.node(k)) }
            case .index(let index):
                if let k = tape.element(i, index) { out.append(.node(k)) }
            case .wildcard:
                for k in tape.children(i) { out.append(.node(k)) }
            case .filter(let expression):
                let document = json(self.document)
                for k in tape.children(i) where expression.test(current: tape.value(k), document: document) {
                    out.append(.node(k))
                }
            }
        }
    }

    /// What `$` means inside a filter; only built when the path has one.
    func documentJSON(for path: JSONPath) -> JSONValue {
        path.segments.contains { if case .filter = $0 { true } else { false } } ? json(document) : .null
    }

    func documentJSON(_ segment: JSONPath.Segment) -> JSONValue {
        if case .filter = segment { return json(document) }
        return .null
    }
}
