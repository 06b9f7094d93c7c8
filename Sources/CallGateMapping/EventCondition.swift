import CallGateFoundation
import CallGateModel
import Yams

/// A sink's `when:` condition in the mapping language, evaluated over the event (`$.call.status`).
public struct EventCondition: Sendable, Hashable {
    let condition: Condition
    let slotCount: Int
    let text: String

    package init(node: Node, document: YAMLDocument) throws(LocatedError) {
        var compiler = MappingCompiler(document: document, functions: [])
        condition = try compiler.compileCondition(node)
        slotCount = compiler.slotCount
        text = "\(node.mark?.description ?? "")"
    }

    /// Whether the event (its canonical JSON) satisfies the condition; an evaluation error is false.
    public func matches(_ event: JSONValue) -> Bool {
        var scope = Scope(
            tape: .empty, document: .json(event), current: .json(event),
            slots: Array(repeating: .null, count: slotCount), nullStrings: [],
            zone: nil, region: "ZZ",
            functionContext: FunctionContext(
                source: SourceSettings(id: "", adapter: "", region: "ZZ"), receivedAt: Timestamp(seconds: 0)))
        return (try? condition.holds(&scope)) ?? false
    }

    public static func == (a: Self, b: Self) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }
}
