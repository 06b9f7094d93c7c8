/// A parsed JSON document as one flat array of nodes over the request's bytes (the layout
/// simdjson calls a tape): no value is allocated while parsing, strings stay byte ranges until the
/// mapping emits them, and a container records where its subtree ends so it can be skipped in one
/// step. The mapping engine evaluates paths and conditions on it directly.
///
/// This is the gateway's one JSON grammar: `JSONParser` builds a tape and converts it to a value.
public struct JSONTape: Sendable {
    /// The document as received.
    public let bytes: [UInt8]
    /// The content of strings that had escapes, decoded.
    var decoded: [UInt8] = []
    package var nodes: [Node] = []

    package struct Node: Sendable {
        package var kind: Kind
        /// Strings: the content is in `decoded` (it had escapes) instead of `bytes`.
        var inDecoded = false
        /// Strings: byte offset of the content. Containers: number of elements or members.
        package var a: UInt32 = 0
        /// Strings: byte length. Containers: index of the first node after the subtree.
        package var b: UInt32 = 0
        /// Numbers: the `Int64` or `Double` bits.
        var bits: UInt64 = 0
    }

    package enum Kind: UInt8, Sendable {
        case null, `false`, `true`, int, double, string, array, object
    }

    private init() { bytes = [] }

    /// A tape of no document, for evaluations over `JSONValue`s.
    package static let empty = JSONTape()

    /// Parses `bytes` in one pass, in time linear in their length: duplicate member names are
    /// found with a hash table, and a rejected document is explained from where the pass stopped.
    /// - Throws: `JSONParseError` with the line, column and reason of the first problem.
    public init(parsing bytes: [UInt8], limits: InputLimits = .unlimited) throws(JSONParseError) {
        self.bytes = bytes
        let built = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var builder = TapeBuilder(buffer, limits: limits)
            try builder.build()
            return (builder.nodes, builder.decoded)
        }
        nodes = built.0
        decoded = built.1
    }

    /// The root node's index.
    public static let root = 0

    var count: Int { nodes.count }

    package func kind(_ i: Int) -> Kind { nodes[i].kind }

    /// The index after `i`'s subtree.
    @inline(__always) func next(_ i: Int) -> Int {
        let node = nodes[i]
        switch node.kind {
        case .array, .object: return Int(node.b)
        default: return i + 1
        }
    }

    /// The value of the member `name` of object `i`, or nil (also when `i` is not an object).
    package func member(_ i: Int, _ name: String) -> Int? {
        guard nodes[i].kind == .object else { return nil }
        let end = Int(nodes[i].b)
        var k = i + 1
        while k < end {
            if stringEquals(k, name) { return k + 1 }
            k = next(k + 1)
        }
        return nil
    }

    /// The element indices of array `i` (or member value indices of object `i`).
    package func children(_ i: Int) -> [Int] {
        let node = nodes[i]
        var out: [Int] = []
        switch node.kind {
        case .array:
            out.reserveCapacity(Int(node.a))
            var k = i + 1
            while k < Int(node.b) {
                out.append(k)
                k = next(k)
            }
        case .object:
            out.reserveCapacity(Int(node.a))
            var k = i + 1
            while k < Int(node.b) {
                out.append(k + 1)
                k = next(k + 1)
            }
        default: break
        }
        return out
    }

    /// Element `index` of array `i` (negative counts from the end), or nil.
    package func element(_ i: Int, _ index: Int) -> Int? {
        let node = nodes[i]
        guard node.kind == .array else { return nil }
        let position = index < 0 ? Int(node.a) + index : index
        guard position >= 0, position < Int(node.a) else { return nil }
        var k = i + 1
        for _ in 0..<position { k = next(k) }
        return k
    }

    @inline(__always) func withStringBytes<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let node = nodes[i]
        let range = Int(node.a)..<Int(node.a) + Int(node.b)
        if node.inDecoded {
            return decoded.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
        }
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Whether node `i` is the string `text`.
    package func stringEquals(_ i: Int, _ text: String) -> Bool {
        let node = nodes[i]
        guard node.kind == .string, Int(node.b) == text.utf8.count else { return false }
        return withStringBytes(i) { content in
            text.utf8.withContiguousStorageIfAvailable { JSONByteParser.equalBytes($0, content) }
                ?? content.elementsEqual(text.utf8)
        }
    }

    /// Whether string nodes `i` and `j` have the same content.
    package func stringsEqual(_ i: Int, _ j: Int) -> Bool {
        guard nodes[i].b == nodes[j].b else { return false }
        return withStringBytes(i) { a in withStringBytes(j) { b in JSONByteParser.equalBytes(a, b) } }
    }

    /// The string at `i` (which must be a string node).
    package func string(_ i: Int) -> String {
        withStringBytes(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// Node `i` and everything under it as a `JSONValue`.
    public func value(_ i: Int) -> JSONValue {
        let node = nodes[i]
        switch node.kind {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .int: return .int(Int64(bitPattern: node.bits))
        case .double: return .double(Double(bitPattern: node.bits))
        case .string: return .string(string(i))
        case .array:
            var out: [JSONValue] = []
            out.reserveCapacity(Int(node.a))
            var k = i + 1
            while k < Int(node.b) {
                out.append(value(k))
                k = next(k)
            }
            return .array(out)
        case .object:
            var members: [JSONObject.Member] = []
            members.reserveCapacity(Int(node.a))
            var k = i + 1
            while k < Int(node.b) {
                members.append(JSONObject.Member(key: string(k), value: value(k + 1)))
                k = next(k + 1)
            }
            var object = JSONObject()
            object.members = members
            return .object(object)
        }
    }

    /// Object `i` without the members named in `keys`, or nil when `i` is not an object.
    package func object(_ i: Int, without keys: [String]) -> JSONObject? {
        let node = nodes[i]
        guard node.kind == .object else { return nil }
        var members: [JSONObject.Member] = []
        var k = i + 1
        while k < Int(node.b) {
            if !keys.contains(where: { stringEquals(k, $0) }) {
                members.append(JSONObject.Member(key: string(k), value: value(k + 1)))
            }
            k = next(k + 1)
        }
        var object = JSONObject()
        object.members = members
        return object
    }

    /// The whole document as a `JSONValue`.
    public var json: JSONValue { value(Self.root) }
}
