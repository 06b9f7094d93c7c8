import CallGateFoundation
import CallGateModel
import Yams

extension MappingCompiler {
    /// The operators outbound mappings lean on (Docs/mapping-language.md, "Outbound operators"):
    /// `require`, `lookup`, `extension`, `multiply`, `round`, `format_time` and `compact`. They work in inbound
    /// mappings too.
    mutating func compileOutboundOperator(
        _ op: String, operand: Node, reader: inout MappingReader, kind: FieldKind
    ) throws(LocatedError) -> Expression {
        switch op {
        case "require":
            let message = try reader.take("message").map { node throws(LocatedError) in
                try compileValue(node, kind: .any)
            }
            return .require(try compileValue(operand, kind: kind), message: message)
        case "lookup":
            guard let table = reader.take("in") else {
                throw error(reader.node, "'lookup' needs 'in' (the table, e.g. $tables.users)")
            }
            return .lookup(try compileValue(operand, kind: .any), table: try compileValue(table, kind: .any))
        case "compact":
            // An object's members are never read as operators here (`number:` is a field).
            guard case .mapping = operand else { throw error(operand, "'compact' takes a mapping of fields") }
            guard case .object(let pairs, _) = try compileObject(operand, kind: .freeObject) else {
                throw error(operand, "'compact' takes a mapping of fields")
            }
            return .object(pairs, dropEmpty: true)
        case "round":
            return .round(try compileValue(operand, kind: .any))
        case "extension":
            return .fileExtension(try compileValue(operand, kind: .any))
        case "multiply":
            let factors = try compileList(operand, kind: .any, what: op)
            guard factors.count >= 2 else { throw error(operand, "'multiply' takes a list of two or more numbers") }
            return .multiply(factors)
        default:  // format_time
            var format = TimeOutput.rfc3339
            if let node = reader.take("format") {
                guard let text = node.scalarText, let f = TimeOutput(rawValue: text) else {
                    let known = TimeOutput.allCases.map(\.rawValue).joined(separator: ", ")
                    throw error(node, "'format' of 'format_time' is one of \(known)")
                }
                format = f
            }
            return .formatTime(try compileValue(operand, kind: .any), format)
        }
    }
}
