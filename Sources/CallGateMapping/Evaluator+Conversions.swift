import CallGateFoundation
import CallGateModel

extension Expression {
    /// Conversions; the strings "null" and "" are null, and "true"/"false" are booleans, because
    /// vendors (MiiTel, Udesk) send them that way.
    static func convert(_ value: JSONValue, to conversion: Conversion) throws(EvaluationError) -> JSONValue {
        if case .string(let s) = value, s.isEmpty || s == "null" { return .null }
        if value.isNull { return .null }
        switch conversion {
        case .string:
            return .string(try text(of: value))
        case .int:
            switch value {
            case .int: return value
            case .double(let d) where d == d.rounded() && abs(d) < 9e15: return .int(Int64(d))
            case .string(let s):
                let t = s.trimmingWhitespace()
                if let i = Int64(t) { return .int(i) }
                if let d = Double(t), d == d.rounded(), abs(d) < 9e15 { return .int(Int64(d)) }
                throw EvaluationError("cannot convert '\(s)' to an integer")
            default: throw EvaluationError("cannot convert \(value.kindName) to an integer")
            }
        case .number:
            switch value {
            case .int, .double: return value
            case .string(let s):
                let t = s.trimmingWhitespace()
                if let i = Int64(t) { return .int(i) }
                if let d = Double(t), d.isFinite { return .double(d) }
                throw EvaluationError("cannot convert '\(s)' to a number")
            default: throw EvaluationError("cannot convert \(value.kindName) to a number")
            }
        case .bool:
            switch value {
            case .bool: return value
            case .int(0): return .bool(false)
            case .int(1): return .bool(true)
            case .string(let s):
                switch s.trimmingWhitespace().lowercased() {
                case "true", "1", "yes", "on": return .bool(true)
                case "false", "0", "no", "off": return .bool(false)
                default: throw EvaluationError("cannot convert '\(s)' to true or false")
                }
            default: throw EvaluationError("cannot convert \(value.kindName) to true or false")
            }
        }
    }
}
