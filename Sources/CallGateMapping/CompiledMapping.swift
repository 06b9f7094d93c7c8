import CallGateFoundation
import CallGateModel
import Yams

/// A mapping file (`Mappings/<vendor>.yaml`) compiled into an evaluable form: loaded and checked
/// once, then run on every payload of its sources.
public struct CompiledMapping: Sendable {
    /// Where it was loaded from, for messages.
    public let file: String
    /// The `vendor` every event declares.
    public let vendor: String
    public let summary: String?
    let forEach: PathReference?
    let forEachSlot: Int?
    let lets: [(name: String, slot: Int, value: Expression)]
    let rules: [Rule]
    let vendorEvent: Expression?
    let time: Expression
    let timeFallbackToReceipt: Bool
    let call: Expression
    /// `call:`'s fields with their position in `CallRecord.fieldNames`, evaluated straight into
    /// one slot each (no intermediate object).
    let callFields: [(key: String, index: Int, value: Expression)]
    let slotCount: Int
    let nullStrings: [String]
    let defaultZone: TimeZoneSpec?

    struct Rule: Sendable {
        let condition: Condition
        /// `nil` means the element is skipped.
        let type: EventType?
    }

    static let sourceSlot = 0
    static let receivedAtSlot = 1
    static let typeSlot = 2

    /// Compiles mapping YAML.
    /// - Parameters:
    ///   - functions: the named functions of the adapter that will run this mapping.
    /// - Throws: `LocatedError` at the offending key or value.
    public init(yaml text: String, file: String, functions: [MappingFunction] = []) throws(LocatedError) {
        let document = try YAMLDocument(text: text, file: file)
        var compiler = MappingCompiler(document: document, functions: functions)
        var top = try MappingReader(document.root, in: document, context: "mapping file")
        self.file = file

        try compiler.checkVersion(top.take("version"))
        let vendorNode = try top.require("vendor")
        guard let vendor = vendorNode.scalarText, !vendor.isEmpty else {
            throw document.error(vendorNode, "'vendor' is a name")
        }
        self.vendor = vendor
        summary = top.take("description")?.scalarText
        var nullStrings: [String] = []
        if let node = top.take("null_strings") {
            guard let list = node.sequenceNodes else {
                throw document.error(node, "'null_strings' is a list of strings")
            }
            nullStrings = list.compactMap(\.scalarText)
        }
        self.nullStrings = nullStrings
        defaultZone = try compiler.zone(top.take("default_timezone"))

        _ = try compiler.bind("source", at: nil)
        _ = try compiler.bind("received_at", at: nil)
        _ = try compiler.bind("type", at: nil)

        if let node = top.take("for_each") {
            guard let text = node.scalarText else { throw document.error(node, "'for_each' takes a path") }
            forEach = try compiler.compilePath(text, at: node)
            forEachSlot = try top.take("as").map { node throws(LocatedError) in
                guard let name = node.scalarText else { throw document.error(node, "'as' takes a name") }
                return try compiler.bind(name, at: node)
            }
        } else {
            forEach = nil
            forEachSlot = nil
            if let node = top.take("as") { throw document.error(node, "'as' names the element of 'for_each'") }
        }

        let lets = try compiler.compileLets(top.take("let"))
        self.lets = lets

        let eventsNode = try top.require("events")
        guard let ruleNodes = eventsNode.sequenceNodes, !ruleNodes.isEmpty else {
            throw document.error(eventsNode, "'events' is a list of rules: - when: <condition>, type: <event type>")
        }
        var rules: [Rule] = []
        for ruleNode in ruleNodes {
            var rule = try MappingReader(ruleNode, in: document, context: "event rule")
            let condition = try rule.take("when").map { node throws(LocatedError) in try compiler.compileCondition(node)
            }
            let typeNode = rule.take("type")
            let skipNode = rule.take("skip")
            try rule.finish()
            var type: EventType?
            if let typeNode {
                guard let raw = typeNode.scalarText, let t = EventType(validating: raw) else {
                    throw document.error(
                        typeNode, "'\(typeNode.scalarText ?? "")' is not an event type (one of \(EventType.choices))")
                }
                type = t
            }
            guard (typeNode == nil) != (skipNode == nil) else {
                throw document.error(ruleNode, "an event rule has either 'type' or 'skip: true'")
            }
            rules.append(Rule(condition: condition ?? .always, type: type))
        }
        self.rules = rules

        vendorEvent = try top.take("vendor_event").map { node throws(LocatedError) in
            try compiler.compileValue(node, kind: .any)
        }
        time = try compiler.compileValue(try top.require("time"), kind: .time)
        if let node = top.take("time_fallback") {
            guard node.scalarText == "receipt" else {
                throw document.error(node, "'time_fallback' can only be 'receipt'")
            }
            timeFallbackToReceipt = true
        } else {
            timeFallbackToReceipt = false
        }
        let callNode = try top.require("call")
        let callReader = try MappingReader(callNode, in: document, context: "call")
        for required in ["vendor_call_id", "direction", "leg_kind", "status"] where !callReader.has(required) {
            throw document.error(callNode, "'call' needs '\(required)'")
        }
        if callReader.has("call_key") {
            throw document.error(callNode, "'call_key' is computed by CallGate from the source and vendor_call_id")
        }
        call = try compiler.compileObject(callNode, kind: .callRecord)
        guard case .object(let pairs, _) = call else { throw document.error(callNode, "'call' is a mapping of fields") }
        callFields = try pairs.map { (key, value) throws(LocatedError) in
            guard let index = CallRecord.fieldIndex[key] else {
                throw document.error(callNode, "'\(key)' is not a field of the call record")
            }
            return (key, index, value)
        }
        try top.finish()
        slotCount = compiler.slotCount
    }
}
