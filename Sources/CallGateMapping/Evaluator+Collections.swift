import CallGateFoundation
import CallGateModel

extension Expression {
    func evaluateCollection(_ scope: inout Scope) throws(EvaluationError) -> Value {
        switch self {
        case .each(let source, let slot, let body):
            let sourceValue = try source.evaluate(&scope)
            let elements = scope.elements(sourceValue)
            let saved = (scope.current, scope.slots[slot])
            defer { (scope.current, scope.slots[slot]) = saved }
            var out: [JSONValue] = []
            out.reserveCapacity(elements.count)
            for (i, element) in elements.enumerated() {
                scope.current = element
                scope.slots[slot] = element
                let value: Value
                do { value = try body.evaluate(&scope) } catch { throw error.inside("[\(i)]") }
                if !scope.isNull(value) { out.append(scope.json(value)) }
            }
            return .json(.array(out))
        case .flatten(let source):
            var out: [Value] = []
            let sourceValue = try source.evaluate(&scope)
            for element in scope.elements(sourceValue) {
                if scope.isArray(element) {
                    out.append(contentsOf: scope.elements(element))
                } else if !scope.isNull(element) {
                    out.append(element)
                }
            }
            return scope.list(out)
        case .filter(let source, let slot, let condition):
            let sourceValue = try source.evaluate(&scope)
            let elements = scope.elements(sourceValue)
            let saved = (scope.current, scope.slots[slot])
            defer { (scope.current, scope.slots[slot]) = saved }
            var out: [Value] = []
            for element in elements {
                scope.current = element
                scope.slots[slot] = element
                if try condition.holds(&scope) { out.append(element) }
            }
            return scope.list(out)
        case .sort(let source, let slot, let key, let descending):
            let sourceValue = try source.evaluate(&scope)
            let elements = scope.elements(sourceValue)
            let saved = (scope.current, scope.slots[slot])
            defer { (scope.current, scope.slots[slot]) = saved }
            var keyed: [(key: JSONValue, index: Int, value: Value)] = []
            keyed.reserveCapacity(elements.count)
            for (i, element) in elements.enumerated() {
                scope.current = element
                scope.slots[slot] = element
                let keyValue = try key.evaluate(&scope)
                keyed.append((scope.json(keyValue), i, element))
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
            return scope.list(keyed.map(\.value))
        case .without(let source, let keys):
            let evaluated = try source.evaluate(&scope)
            // A payload object: copy out only the members that stay.
            if case .node(let i) = evaluated, let object = scope.tape.object(i, without: keys) {
                return .json(.object(object))
            }
            let value = scope.json(evaluated)
            switch value {
            case .null: return .null
            case .object(var object):
                for key in keys { object[key] = nil }
                return .json(.object(object))
            default: throw EvaluationError("'without' needs an object, got \(value.kindName)")
            }
        case .merge(let sources):
            var merged = JSONObject()
            for source in sources {
                let evaluated = try source.evaluate(&scope)
                let value = scope.json(evaluated)
                switch value {
                case .null: continue
                case .object(let object): for (k, v) in object { merged[k] = v }
                default: throw EvaluationError("'merge' needs objects, got \(value.kindName)")
                }
            }
            return .json(.object(merged))
        case .join(let source, let separator):
            var parts: [String] = []
            let sourceValue = try source.evaluate(&scope)
            for element in scope.elements(sourceValue) where !scope.isEmpty(element) {
                parts.append(try scope.text(element))
            }
            return parts.isEmpty ? .null : .json(.string(parts.joined(separator: separator)))
        case .first(let source):
            let value = try source.evaluate(&scope)
            guard scope.isArray(value) else { return value }
            return scope.elements(value).first ?? .null
        default:
            return try evaluate(&scope)
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
        case .exists(let e):
            let value = try e.evaluate(&scope)
            return !scope.isEmpty(value)
        case .missing(let e):
            let value = try e.evaluate(&scope)
            return scope.isEmpty(value)
        case .equal(let a, let b):
            let x = try a.evaluate(&scope)
            let y = try b.evaluate(&scope)
            return scope.equal(x, y)
        case .notEqual(let a, let b):
            let x = try a.evaluate(&scope)
            let y = try b.evaluate(&scope)
            return !scope.equal(x, y)
        case .oneOf(let e, let options):
            let value = try e.evaluate(&scope)
            for option in options where scope.equal(value, .json(option)) { return true }
            return false
        case .not(let inner): return !(try inner.holds(&scope))
        case .all(let terms):
            for term in terms where !(try term.holds(&scope)) { return false }
            return true
        case .any(let terms):
            for term in terms where try term.holds(&scope) { return true }
            return false
        case .startsWith(let e, let prefix):
            let value = try e.evaluate(&scope)
            guard case .string(let text) = scope.json(value) else { return false }
            return text.hasPrefix(prefix)
        }
    }
}
