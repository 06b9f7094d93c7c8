import CallGateFoundation
import CallGateModel
import Yams

/// Turns the YAML of a mapping file into `Expression`s once, at load time, checking every path,
/// operator, variable, function and enum target against the canonical model.
package struct MappingCompiler {
    let document: YAMLDocument
    let functions: [String: MappingFunction]
    private var scopes: [[String: Int]] = [[:]]
    private(set) var slotCount = 0
    /// Objects keep null and "" members (outbound mappings, where a destination's schema says
    /// `str or null`); inbound free objects drop them. `compact:` drops them anywhere.
    var keepsEmptyMembers = false
    /// The literal values a `let` can produce (its map targets, `if` branches, …), by slot, so a
    /// vocabulary field that uses the variable can check them at load time.
    private var letLiterals: [Int: [Node]] = [:]

    static let operators: [String: Set<String>] = [
        "path": [], "list": [], "literal": [], "template": [], "coalesce": [],
        "map": ["values", "default", "ignore_case"], "string": [], "int": [], "number": [], "bool": [],
        "trim": [], "lowercase": [], "uppercase": [], "time": ["format", "zone"], "phone": ["region"],
        "seconds_between": [], "earliest": [], "latest": [], "each": ["as", "emit"], "flatten": [],
        "filter": ["as", "where"], "sort": ["by", "order", "as"], "object": [], "if": ["then", "else"],
        "fn": ["args"], "without": ["keys"], "merge": [], "join": ["separator"], "first": [],
        "require": ["message"], "compact": [], "lookup": ["in"], "extension": [], "multiply": [], "round": [],
        "format_time": ["format"],
    ]

    static let conditionOperators = ["exists", "missing", "eq", "ne", "in", "not", "all", "any", "starts_with"]

    init(document: YAMLDocument, functions: [MappingFunction]) {
        self.document = document
        self.functions = Dictionary(functions.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func error(_ node: Node?, _ message: String) -> LocatedError { document.error(node, message) }

    // MARK: Variables

    /// Binds `name` in the innermost scope to a fresh slot.
    mutating func bind(_ name: String, at node: Node?) throws(LocatedError) -> Int {
        guard let first = name.unicodeScalars.first, JSONPathParser.isNameFirst(first),
            name.unicodeScalars.allSatisfy({ JSONPathParser.isNameFirst($0) || JSONPathParser.isDigit($0) })
        else { throw error(node, "'\(name)' is not a valid variable name (letters, digits and '_')") }
        let slot = slotCount
        slotCount += 1
        scopes[scopes.count - 1][name] = slot
        return slot
    }

    /// `version:`, which must be 1 when given.
    func checkVersion(_ node: Node?) throws(LocatedError) {
        if let node, node.scalarText != "1" {
            throw error(node, "unsupported mapping version '\(node.scalarText ?? "")' (this CallGate reads version 1)")
        }
    }

    /// `let:`, names bound in order (each value may use the names before it).
    mutating func compileLets(_ node: Node?) throws(LocatedError) -> [(name: String, slot: Int, value: Expression)] {
        guard let node else { return [] }
        guard case .mapping(let mapping) = node else { throw error(node, "'let' is a mapping of names to values") }
        var lets: [(name: String, slot: Int, value: Expression)] = []
        for (nameNode, valueNode) in mapping {
            guard let name = nameNode.scalarText else { throw error(nameNode, "names must be plain strings") }
            if lookup(name) != nil { throw error(nameNode, "'$\(name)' is already defined") }
            let value = try compileValue(valueNode, kind: .any)
            let slot = try bind(name, at: nameNode)
            recordLiterals(of: valueNode, slot: slot)
            lets.append((name, slot, value))
        }
        return lets
    }

    mutating func pushScope() { scopes.append([:]) }
    mutating func popScope() { scopes.removeLast() }

    func lookup(_ name: String) -> Int? {
        for scope in scopes.reversed() { if let slot = scope[name] { return slot } }
        return nil
    }

    var knownVariables: String {
        Set(scopes.flatMap(\.keys)).sorted().map { "$" + $0 }.joined(separator: ", ")
    }

    /// Records the literal results of a `let` value for later vocabulary checks.
    mutating func recordLiterals(of node: Node, slot: Int) {
        letLiterals[slot] = Self.literalLeaves(node)
    }

    /// The YAML nodes of the literal values an expression can yield (empty when unknown).
    static func literalLeaves(_ node: Node) -> [Node] {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain || scalar.style == .singleQuoted || scalar.style == .doubleQuoted,
                looksLikePath(scalar.string) || scalar.string.contains("{{")
            {
                return []
            }
            return [node]
        case .mapping(let mapping):
            let pairs = Array(mapping)
            func value(_ key: String) -> Node? { pairs.first { $0.key.scalarText == key }?.value }
            if value("map") != nil, case .mapping(let table)? = value("values") {
                return table.map(\.value) + (value("default").map { [$0] } ?? [])
            }
            if value("if") != nil {
                return [value("then"), value("else")].compactMap { $0 }.flatMap(literalLeaves)
            }
            if let items = value("coalesce")?.sequenceNodes { return items.flatMap(literalLeaves) }
            if let literal = value("literal") { return [literal] }
            return []
        default:
            return []
        }
    }

    /// Checks the literals of `$name` (a bare variable) against a vocabulary field.
    func checkVariable(_ reference: PathReference, kind: FieldKind) throws(LocatedError) {
        guard case .vocabulary = kind, let slot = reference.slot, reference.path.segments.isEmpty,
            let leaves = letLiterals[slot]
        else { return }
        for leaf in leaves { try check(try document.json(leaf), kind: kind, at: leaf) }
    }

    // MARK: Paths and templates

    func compilePath(_ text: String, at node: Node) throws(LocatedError) -> PathReference {
        let path: JSONPath
        do {
            path = try JSONPath(text, allowVariables: true)
        } catch {
            throw self.error(node, "invalid path '\(text)': \(error)")
        }
        guard case .variable(let name) = path.root else { return PathReference(path: path, slot: nil) }
        guard let slot = lookup(name) else {
            throw self.error(node, "unknown variable '$\(name)' in '\(text)' (known here: \(knownVariables))")
        }
        return PathReference(path: path, slot: slot)
    }

    static func looksLikePath(_ text: String) -> Bool {
        guard let first = text.first else { return false }
        return first == "$" || first == "@"
    }

    func compileTemplate(_ text: String, at node: Node) throws(LocatedError) -> Expression {
        var parts: [TemplatePart] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw error(node, "unclosed '{{' in template '\(text)'")
            }
            let inner = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: " ")
            guard Self.looksLikePath(inner) else {
                throw error(node, "'{{ \(inner) }}' in a template must be a path starting with '$' or '@'")
            }
            parts.append(.value(.path(try compilePath(inner, at: node))))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return .template(parts)
    }

    /// Checks a literal against the field's vocabulary.
    func check(_ value: JSONValue, kind: FieldKind, at node: Node) throws(LocatedError) {
        guard case .vocabulary(let name, let allowed) = kind, case .string(let s) = value else { return }
        guard allowed.contains(s) else {
            throw error(node, "'\(s)' is not a \(name) (one of \(allowed.joined(separator: ", ")))")
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
