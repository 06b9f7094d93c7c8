extension Expression {
    func evaluateCollection(_ scope: inout Scope) throws(EvaluationError) -> JSONValue {
        switch self {
        case .each(let source, let slot, let body):
            let elements = try Self.elements(source.evaluate(&scope))
            let saved = (scope.current, scope.slots[slot])
            defer { (scope.current, scope.slots[slot]) = saved }
            var out: [JSONValue] = []
            out.reserveCapacity(elements.count)
            for (i, element) in elements.enumerated() {
                scope.current = element
                scope.slots[slot] = element
                let value: JSONValue
                do { value = try body.evaluate(&scope) } catch { throw error.inside("[\(i)]") }
                if !value.isNull { out.append(value) }
            }
            return .array(out)
        case .flatten(let source):
            var out: [JSONValue] = []
            for element in try Self.elements(source.evaluate(&scope)) {
                if case .array(let inner) = element {
                    out.append(contentsOf: inner)
                } else if !element.isNull {
                    out.append(element)
                }
            }
            return .array(out)
        case .filter(let source, let slot, let condition):
            let elements = try Self.elements(source.evaluate(&scope))
            let saved = (scope.current, scope.slots[slot])
            defer { (scope.current, scope.slots[slot]) = saved }
            var out: [JSONValue] = []
            for element in elements {
                scope.current = element
                scope.slots[slot] = element
                if try condition.holds(&scope) { out.append(element) }
            }
            return .array(out)
        case .sort(let source, let slot, let key, let descending):
            let elements = try Self.elements(source.evaluate(&scope))
            let saved = (scope.current, scope.slots[slot])
            defer { (scope.current, scope.slots[slot]) = saved }
            var keyed: [(key: JSONValue, index: Int, value: JSONValue)] = []
            keyed.reserveCapacity(elements.count)
            for (i, element) in elements.enumerated() {
                scope.current = element
                scope.slots[slot] = element
                keyed.append((try key.evaluate(&scope), i, element))
            }
            // Stable: equal keys keep their input order; elements without a key go last.
            keyed.sort { a, b in
                switch Self.order(a.key, b.key) {
                case .some(let less) where less != Self.order(b.key, a.key): return descending ? !less : less
                default:
                    if a.key.isNull != b.key.isNull { return b.key.isNull }
                    return a.index < b.index
                }
            }
            return .array(keyed.map(\.value))
        case .without(let source, let keys):
            let value = try source.evaluate(&scope)
            switch value {
            case .null: return .null
            case .object(var object):
                for key in keys { object[key] = nil }
                return .object(object)
            default: throw EvaluationError("'without' needs an object, got \(value.kindName)")
            }
        case .merge(let sources):
            var merged = JSONObject()
            for source in sources {
                let value = try source.evaluate(&scope)
                switch value {
                case .null: continue
                case .object(let object): for (k, v) in object { merged[k] = v }
                default: throw EvaluationError("'merge' needs objects, got \(value.kindName)")
                }
            }
            return .object(merged)
        case .join(let source, let separator):
            var parts: [String] = []
            for element in try Self.elements(source.evaluate(&scope)) where !element.isEmptyValue {
                parts.append(try Self.text(of: element))
            }
            return parts.isEmpty ? .null : .string(parts.joined(separator: separator))
        case .first(let source):
            let value = try source.evaluate(&scope)
            if case .array(let a) = value { return a.first ?? .null }
            return value
        default:
            return try evaluate(&scope)
        }
    }

    static func elements(_ value: JSONValue) -> [JSONValue] {
        switch value {
        case .null: return []
        case .array(let a): return a
        default: return [value]
        }
    }

    /// `true` when a sorts before b: numbers by value, strings by code point; `nil` when the two
    /// cannot be ordered (different kinds, or null).
    static func order(_ a: JSONValue, _ b: JSONValue) -> Bool? {
        if let x = a.numberValue, let y = b.numberValue { return x < y }
        if case .string(let x) = a, case .string(let y) = b {
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        }
        return nil
    }
}

extension Condition {
    func holds(_ scope: inout Scope) throws(EvaluationError) -> Bool {
        switch self {
        case .always: return true
        case .exists(let e): return !(try e.evaluate(&scope).isEmptyValue)
        case .missing(let e): return try e.evaluate(&scope).isEmptyValue
        case .equal(let a, let b): return Self.equal(try a.evaluate(&scope), try b.evaluate(&scope))
        case .notEqual(let a, let b): return !Self.equal(try a.evaluate(&scope), try b.evaluate(&scope))
        case .oneOf(let e, let options):
            let value = try e.evaluate(&scope)
            return options.contains { Self.equal(value, $0) }
        case .not(let inner): return !(try inner.holds(&scope))
        case .all(let terms):
            for term in terms where !(try term.holds(&scope)) { return false }
            return true
        case .any(let terms):
            for term in terms where try term.holds(&scope) { return true }
            return false
        }
    }

    /// Equality where "" and null both mean "nothing".
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if a.isEmptyValue || b.isEmptyValue { return a.isEmptyValue && b.isEmptyValue }
        return JSONValue.semanticallyEqual(a, b)
    }
}
