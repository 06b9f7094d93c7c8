/// A filter selector's logical expression (RFC 9535 §2.3.5).
package indirect enum FilterExpression: Sendable, Hashable {
    case or([FilterExpression])
    case and([FilterExpression])
    case not(FilterExpression)
    /// True when the query selects at least one node.
    case exists(JSONPath)
    case compare(Comparand, ComparisonOperator, Comparand)

    package func test(current: JSONValue, document: JSONValue) -> Bool {
        switch self {
        case .or(let terms): return terms.contains { $0.test(current: current, document: document) }
        case .and(let terms): return terms.allSatisfy { $0.test(current: current, document: document) }
        case .not(let inner): return !inner.test(current: current, document: document)
        case .exists(let path):
            return !path.select(from: path.root == .current ? current : document, document: document).isEmpty
        case .compare(let lhs, let op, let rhs):
            return op.holds(
                lhs.value(current: current, document: document), rhs.value(current: current, document: document))
        }
    }
}

/// One side of a comparison: a literal or a singular query (absent when it selects nothing).
package enum Comparand: Sendable, Hashable {
    case literal(JSONValue)
    case query(JSONPath)

    func value(current: JSONValue, document: JSONValue) -> JSONValue? {
        switch self {
        case .literal(let v): return v
        case .query(let path): return path.first(from: path.root == .current ? current : document, document: document)
        }
    }
}

package enum ComparisonOperator: String, Sendable, Hashable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// RFC 9535 §2.3.5.2.2: an absent side equals only another absent side; `<` orders numbers
    /// and strings only.
    func holds(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch self {
        case .equal: return Self.equal(a, b)
        case .notEqual: return !Self.equal(a, b)
        case .less: return Self.less(a, b)
        case .lessOrEqual: return Self.less(a, b) || Self.equal(a, b)
        case .greater: return Self.less(b, a)
        case .greaterOrEqual: return Self.less(b, a) || Self.equal(a, b)
        }
    }

    static func equal(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?): return JSONValue.semanticallyEqual(a, b)
        default: return false
        }
    }

    static func less(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        guard let a, let b else { return false }
        if let x = a.numberValue, let y = b.numberValue { return x < y }
        if case .string(let x) = a, case .string(let y) = b {
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        }
        return false
    }
}

extension JSONValue {
    /// JSON equality as RFC 9535 defines it: like `==` (numbers by value, `1 == 1.0`), except that
    /// objects are equal regardless of member order.
    public static func semanticallyEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { semanticallyEqual($0, $1) }
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            for (key, value) in x {
                guard let other = y[key], semanticallyEqual(value, other) else { return false }
            }
            return true
        default: return a == b
        }
    }
}
