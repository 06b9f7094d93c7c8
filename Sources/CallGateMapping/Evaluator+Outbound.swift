import CallGateFoundation
import CallGateModel

extension Expression {
    /// `require`, `lookup`, `extension`, `multiply`, `format_time`.
    func evaluateOutbound(_ scope: inout Scope) throws(EvaluationError) -> Value {
        switch self {
        case .require(let input, let message):
            let value = try input.evaluate(&scope)
            guard scope.isEmpty(value) else { return value }
            var text = "a required value is missing"
            if let message {
                let said = try message.evaluate(&scope)
                if !scope.isEmpty(said) { text = try scope.text(said) }
            }
            throw EvaluationError(text)
        case .lookup(let keys, let table):
            let tableValue = try table.evaluate(&scope)
            guard case .object(let entries) = scope.json(tableValue) else { return .null }
            let keyValue = try keys.evaluate(&scope)
            let candidates = scope.isArray(keyValue) ? scope.elements(keyValue) : [keyValue]
            for candidate in candidates where !scope.isEmpty(candidate) {
                let key = try scope.text(candidate)
                if let found = entries[key], !found.isNull { return .json(found) }
            }
            return .null
        case .fileExtension(let input):
            let value = try input.evaluate(&scope)
            if scope.isEmpty(value) { return .null }
            var path = Substring(try scope.text(value))
            if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
            guard let slash = path.lastIndex(of: "/").map({ path.index(after: $0) }) ?? path.indices.first,
                let dot = path[slash...].lastIndex(of: "."), path.index(after: dot) < path.endIndex
            else { return .null }
            return .json(.string(path[path.index(after: dot)...].lowercased()))
        case .multiply(let factors):
            var integer: Int64? = 1
            var real = 1.0
            for factor in factors {
                let value = try factor.evaluate(&scope)
                switch scope.json(value) {
                case .null: return .null
                case .int(let i):
                    if let product = integer {
                        let (result, overflow) = product.multipliedReportingOverflow(by: i)
                        integer = overflow ? nil : result
                    }
                    real *= Double(i)
                case .double(let d):
                    integer = nil
                    real *= d
                case let other: throw EvaluationError("'multiply' takes numbers, got \(other.kindName)")
                }
            }
            if let integer { return .json(.int(integer)) }
            guard real.isFinite else { throw EvaluationError("'multiply' overflowed") }
            if real == real.rounded(), abs(real) < 9e15 { return .json(.int(Int64(real))) }
            return .json(.double(real))
        case .round(let input):
            let value = try input.evaluate(&scope)
            switch scope.json(value) {
            case .null: return .null
            case .int(let i): return .json(.int(i))
            case .double(let d):
                let rounded = d.rounded(.toNearestOrAwayFromZero)
                guard rounded.isFinite, abs(rounded) < 9e15 else {
                    throw EvaluationError("'round': \(d) is out of range")
                }
                return .json(.int(Int64(rounded)))
            case let other: throw EvaluationError("'round' takes a number, got \(other.kindName)")
            }
        case .formatTime(let input, let format):
            let value = try input.evaluate(&scope)
            guard let time = try Self.time(value, scope) else { return .null }
            switch format {
            case .rfc3339: return .json(.string(time.description))
            case .unixMilliseconds: return .json(.int(time.microseconds / 1000))
            case .unix: return .json(.int(time.microseconds / 1_000_000))
            case .date: return .json(.string(String(time.description.prefix(10))))
            case .utcDateTime:
                let text = time.description
                return .json(.string(String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(8))))
            }
        default:
            return .null
        }
    }
}
