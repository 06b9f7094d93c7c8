import CallGateFoundation
import CallGateModel
import Yams

extension MappingCompiler {
    /// Compiles a value for a field of `kind`: a path (`"$.a"`, `"@.b"`, `"$var.c"`), a template
    /// (text with `{{ }}`), a literal, a list, an object of fields, or an operator mapping.
    mutating func compileValue(_ node: Node, kind: FieldKind) throws(LocatedError) -> Expression {
        switch node {
        case .scalar(let scalar):
            let value = try document.json(node)
            if case .string(let text) = value, scalar.style != .literal, scalar.style != .folded {
                if Self.looksLikePath(text) {
                    let reference = try compilePath(text, at: node)
                    try checkVariable(reference, kind: kind)
                    return .path(reference)
                }
                if text.contains("{{") { return try compileTemplate(text, at: node) }
            }
            try check(value, kind: kind, at: node)
            return .literal(value)
        case .sequence(let sequence):
            switch kind {
            case .array, .any, .freeObject:
                var elements: [Expression] = []
                for element in sequence { elements.append(try compileValue(element, kind: kind.elementKind)) }
                return .array(elements)
            default:
                throw error(node, "expected a single value here, not a list")
            }
        case .mapping:
            let reader = try MappingReader(node, in: document, context: "expression")
            let operatorKeys = reader.keys.filter { Self.operators[$0] != nil }
            if case .object(let fields) = kind, reader.keys.allSatisfy({ key in fields.contains { $0.0 == key } }) {
                return try compileObject(node, kind: kind)
            }
            if operatorKeys.count > 1 {
                throw error(node, "one operator per expression, found \(operatorKeys.joined(separator: ", "))")
            }
            if let op = operatorKeys.first {
                return try compileOperator(op, reader: reader, kind: kind)
            }
            switch kind {
            case .object, .freeObject, .any:
                return try compileObject(node, kind: kind)
            default:
                let known = Self.operators.keys.sorted().joined(separator: ", ")
                throw error(node, "unknown operator '\(reader.keys.first ?? "")' (operators: \(known))")
            }
        case .alias:
            throw error(node, "YAML aliases are not supported in mappings")
        }
    }

    /// An object whose keys are fields of `kind` (checked) or free keys.
    mutating func compileObject(_ node: Node, kind: FieldKind) throws(LocatedError) -> Expression {
        guard case .mapping(let mapping) = node else { throw error(node, "expected a mapping of fields") }
        var pairs: [(String, Expression)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalarText else { throw error(keyNode, "keys must be plain strings") }
            let fieldKind: FieldKind
            if case .object = kind {
                guard let k = kind.field(key) else {
                    let allowed = (kind.fieldNames ?? []).joined(separator: ", ")
                    throw error(keyNode, "unknown field '\(key)' (fields here: \(allowed))")
                }
                fieldKind = k
            } else {
                fieldKind = .any
            }
            pairs.append((key, try compileValue(valueNode, kind: fieldKind)))
        }
        if case .object = kind { return .object(pairs, dropEmpty: false) }
        return .object(pairs, dropEmpty: !keepsEmptyMembers)
    }

    mutating func compileList(_ node: Node, kind: FieldKind, what: String) throws(LocatedError) -> [Expression] {
        guard let elements = node.sequenceNodes else { throw error(node, "'\(what)' takes a list of values") }
        var out: [Expression] = []
        for element in elements { out.append(try compileValue(element, kind: kind)) }
        return out
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    mutating func compileOperator(_ op: String, reader: MappingReader, kind: FieldKind) throws(LocatedError)
        -> Expression
    {
        var r = reader
        let operand = r.take(op)!
        for modifier in Self.operators[op]! { _ = r.take(modifier) }
        try r.finish()
        var m = reader
        switch op {
        case "path":
            guard let text = operand.scalarText else { throw error(operand, "'path' takes a path string") }
            return .path(try compilePath(text, at: operand))
        case "list":
            guard let text = operand.scalarText else { throw error(operand, "'list' takes a path string") }
            return .list(try compilePath(text, at: operand))
        case "literal":
            let value = try document.json(operand)
            try check(value, kind: kind, at: operand)
            return .literal(value)
        case "template":
            guard let text = operand.scalarText else { throw error(operand, "'template' takes a string") }
            return try compileTemplate(text, at: operand)
        case "coalesce":
            return .coalesce(try compileList(operand, kind: kind, what: op))
        case "map":
            return try compileMap(operand, reader: &m, kind: kind)
        case "string", "int", "number", "bool":
            return .convert(try compileValue(operand, kind: .any), Conversion(rawValue: op)!)
        case "trim", "lowercase", "uppercase":
            return .text(try compileValue(operand, kind: .any), TextOperation(rawValue: op)!)
        case "time":
            var format = TimeFormat.iso8601
            if let f = m.take("format") {
                guard let text = f.scalarText else { throw error(f, "'format' takes a string") }
                do { format = try TimeFormat(text) } catch { throw self.error(f, error.message) }
            }
            return .time(try compileValue(operand, kind: .any), format, zone: try zone(m.take("zone")))
        case "phone":
            var region: String?
            if let node = m.take("region") {
                guard let text = node.scalarText, text.count == 2, text.uppercased() == text else {
                    throw error(node, "'region' takes a two-letter region code such as JP")
                }
                region = text
            }
            return .phone(try compileValue(operand, kind: .any), region: region)
        case "seconds_between":
            let times = try compileList(operand, kind: .any, what: op)
            guard times.count == 2 else { throw error(operand, "'seconds_between' takes exactly two times [from, to]") }
            return .secondsBetween(times[0], times[1])
        case "earliest":
            return .earliest(try compileList(operand, kind: .any, what: op))
        case "latest":
            return .latest(try compileList(operand, kind: .any, what: op))
        case "each":
            let source = try compileValue(operand, kind: .any)
            guard let emit = m.take("emit") else {
                throw error(reader.node, "'each' needs 'emit' (the value per element)")
            }
            pushScope()
            defer { popScope() }
            let slot = try bindElement(m.take("as"))
            return .each(source, slot: slot, body: try compileValue(emit, kind: kind.elementKind))
        case "flatten":
            return .flatten(try compileValue(operand, kind: .array(kind)))
        case "filter":
            let source = try compileValue(operand, kind: kind)
            guard let condition = m.take("where") else { throw error(reader.node, "'filter' needs 'where'") }
            pushScope()
            defer { popScope() }
            let slot = try bindElement(m.take("as"))
            return .filter(source, slot: slot, where: try compileCondition(condition))
        case "sort":
            let source = try compileValue(operand, kind: kind)
            guard let by = m.take("by") else {
                throw error(reader.node, "'sort' needs 'by' (a path from each element)")
            }
            var descending = false
            if let order = m.take("order") {
                switch order.scalarText {
                case "asc": descending = false
                case "desc": descending = true
                default: throw error(order, "'order' is asc or desc")
                }
            }
            pushScope()
            defer { popScope() }
            let slot = try bindElement(m.take("as"))
            return .sort(source, slot: slot, key: try compileValue(by, kind: .any), descending: descending)
        case "object":
            return try compileObject(operand, kind: kind)
        case "if":
            let condition = try compileCondition(operand)
            guard let then = m.take("then") else { throw error(reader.node, "'if' needs 'then'") }
            let otherwise = try m.take("else").map { node throws(LocatedError) in try compileValue(node, kind: kind) }
            return .conditional(condition, then: try compileValue(then, kind: kind), else: otherwise ?? .literal(.null))
        case "fn":
            guard let name = operand.scalarText else { throw error(operand, "'fn' takes a function name") }
            guard let function = functions[name] else {
                let known = functions.keys.sorted().joined(separator: ", ")
                throw error(
                    operand, "unknown function '\(name)' (this adapter provides: \(known.isEmpty ? "none" : known))")
            }
            let args =
                try m.take("args").map { node throws(LocatedError) in try compileList(node, kind: .any, what: "args") }
                ?? []
            guard function.arity.contains(args.count) else {
                throw error(
                    operand,
                    "'\(name)' takes \(function.arity.lowerBound)…\(function.arity.upperBound) arguments, got \(args.count)"
                )
            }
            return .function(function, args)
        case "without":
            guard let keysNode = m.take("keys"), let keys = keysNode.sequenceNodes?.compactMap(\.scalarText) else {
                throw error(reader.node, "'without' needs 'keys' (a list of member names)")
            }
            return .without(try compileValue(operand, kind: .freeObject), keys: keys)
        case "merge":
            return .merge(try compileList(operand, kind: .freeObject, what: op))
        case "join":
            var separator = ""
            if let s = m.take("separator") {
                guard let text = s.scalarText else { throw error(s, "'separator' takes a string") }
                separator = text
            }
            return .join(try compileValue(operand, kind: .array(.string)), separator: separator)
        case "first":
            return .first(try compileValue(operand, kind: .array(kind)))
        case "require", "lookup", "extension", "multiply", "round", "format_time", "compact":
            return try compileOutboundOperator(op, operand: operand, reader: &m, kind: kind)
        default:
            throw error(operand, "unknown operator '\(op)'")
        }
    }

    mutating func bindElement(_ node: Node?) throws(LocatedError) -> Int {
        guard let node else { return try bind("_element\(slotCount)", at: nil) }
        guard let name = node.scalarText else { throw error(node, "'as' takes a variable name") }
        return try bind(name, at: node)
    }

    func zone(_ node: Node?) throws(LocatedError) -> TimeZoneSpec? {
        guard let node else { return nil }
        guard let text = node.scalarText, let zone = TimeZoneSpec(text) else {
            throw error(
                node, "'\(node.scalarText ?? "")' is not a time zone (use +09:00, UTC or an IANA name like Asia/Tokyo)")
        }
        return zone
    }

    mutating func compileMap(_ operand: Node, reader: inout MappingReader, kind: FieldKind) throws(LocatedError)
        -> Expression
    {
        let input = try compileValue(operand, kind: .any)
        guard let valuesNode = reader.take("values"), case .mapping(let values) = valuesNode else {
            throw error(reader.node, "'map' needs 'values' (a mapping of vendor values to canonical ones)")
        }
        var ignoreCase = false
        if let node = reader.take("ignore_case") {
            guard case .bool(let b) = try document.json(node) else {
                throw error(node, "'ignore_case' is true or false")
            }
            ignoreCase = b
        }
        var table: [String: JSONValue] = [:]
        for (keyNode, valueNode) in values {
            guard var key = keyNode.scalarText else { throw error(keyNode, "map keys must be plain values") }
            if ignoreCase { key = key.lowercased() }
            let value = try document.json(valueNode)
            try check(value, kind: kind, at: valueNode)
            guard table.updateValue(value, forKey: key) == nil else {
                throw error(keyNode, "'\(key)' appears twice in 'values'")
            }
        }
        var defaultValue: JSONValue?
        if let node = reader.take("default") {
            let value = try document.json(node)
            try check(value, kind: kind, at: node)
            defaultValue = value
        }
        return .map(input, table: table, defaultValue: defaultValue, ignoreCase: ignoreCase)
    }

    /// `exists`, `missing`, `eq`, `ne`, `in`, `not`, `all`, `any`.
    mutating func compileCondition(_ node: Node) throws(LocatedError) -> Condition {
        var reader = try MappingReader(node, in: document, context: "condition")
        guard reader.keys.count == 1, let op = reader.keys.first, Self.conditionOperators.contains(op) else {
            throw error(
                node, "a condition is one of \(Self.conditionOperators.joined(separator: ", ")), found \(reader.keys)")
        }
        let operand = reader.take(op)!
        switch op {
        case "exists": return .exists(try compileValue(operand, kind: .any))
        case "missing": return .missing(try compileValue(operand, kind: .any))
        case "eq", "ne":
            let sides = try compileList(operand, kind: .any, what: op)
            guard sides.count == 2 else { throw error(operand, "'\(op)' takes two values [a, b]") }
            return op == "eq" ? .equal(sides[0], sides[1]) : .notEqual(sides[0], sides[1])
        case "in":
            guard let parts = operand.sequenceNodes, parts.count == 2, let options = parts[1].sequenceNodes else {
                throw error(operand, "'in' takes [value, [option, …]]")
            }
            var literals: [JSONValue] = []
            for option in options { literals.append(try document.json(option)) }
            return .oneOf(try compileValue(parts[0], kind: .any), literals)
        case "not":
            return .not(try compileCondition(operand))
        case "starts_with":
            guard let parts = operand.sequenceNodes, parts.count == 2, let prefix = parts[1].scalarText else {
                throw error(operand, "'starts_with' takes [value, \"prefix\"]")
            }
            return .startsWith(try compileValue(parts[0], kind: .any), prefix)
        default:
            guard let terms = operand.sequenceNodes else { throw error(operand, "'\(op)' takes a list of conditions") }
            var conditions: [Condition] = []
            for term in terms { conditions.append(try compileCondition(term)) }
            return op == "all" ? .all(conditions) : .any(conditions)
        }
    }
}
