/// A parsed JSON document as one flat array of nodes over the request's bytes (the layout
/// simdjson calls a tape): no value is allocated while parsing, strings stay byte ranges until the
/// mapping emits them, and a container records where its subtree ends so it can be skipped in one
/// step. The mapping engine evaluates paths and conditions on it directly.
///
/// Accepts exactly what `JSONParser` accepts (same depth limit, duplicate names and UTF-8 rules);
/// when a document is rejected, `JSONParser` is run on it for the error, so messages and
/// positions are the same.
public struct JSONTape: Sendable {
    /// The document as received.
    public let bytes: [UInt8]
    /// The content of strings that had escapes, decoded.
    var decoded: [UInt8] = []
    var nodes: [Node] = []

    struct Node: Sendable {
        var kind: Kind
        /// Strings: the content is in `decoded` (it had escapes) instead of `bytes`.
        var inDecoded = false
        /// Strings: byte offset of the content. Containers: number of elements or members.
        var a: UInt32 = 0
        /// Strings: byte length. Containers: index of the first node after the subtree.
        var b: UInt32 = 0
        /// Numbers: the `Int64` or `Double` bits.
        var bits: UInt64 = 0
    }

    enum Kind: UInt8, Sendable {
        case null, `false`, `true`, int, double, string, array, object
    }

    private init() { bytes = [] }

    /// A tape of no document, for evaluations over `JSONValue`s.
    static let empty = JSONTape()

    /// Parses `bytes`.
    /// - Throws: the same `JSONParseError` as `JSONParser.parse` for anything it rejects.
    public init(parsing bytes: [UInt8]) throws(JSONParseError) {
        self.bytes = bytes
        let built = bytes.withUnsafeBufferPointer { buffer -> (nodes: [Node], decoded: [UInt8])? in
            var builder = TapeBuilder(buffer)
            return builder.build() ? (builder.nodes, builder.decoded) : nil
        }
        guard let built else {
            _ = try JSONParser.parse(bytes)
            // The tape builder and the tree parser disagree: report rather than accept.
            throw JSONParseError(line: 1, column: 1, message: "the document could not be parsed")
        }
        nodes = built.nodes
        decoded = built.decoded
    }

    /// The root node's index.
    public static let root = 0

    var count: Int { nodes.count }

    func kind(_ i: Int) -> Kind { nodes[i].kind }

    /// The index after `i`'s subtree.
    @inline(__always) func next(_ i: Int) -> Int {
        let node = nodes[i]
        switch node.kind {
        case .array, .object: return Int(node.b)
        default: return i + 1
        }
    }

    /// The value of the member `name` of object `i`, or nil (also when `i` is not an object).
    func member(_ i: Int, _ name: String) -> Int? {
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
    func children(_ i: Int) -> [Int] {
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
    func element(_ i: Int, _ index: Int) -> Int? {
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
    func stringEquals(_ i: Int, _ text: String) -> Bool {
        let node = nodes[i]
        guard node.kind == .string, Int(node.b) == text.utf8.count else { return false }
        return withStringBytes(i) { content in
            text.utf8.withContiguousStorageIfAvailable { JSONByteParser.equalBytes($0, content) }
                ?? content.elementsEqual(text.utf8)
        }
    }

    /// Whether string nodes `i` and `j` have the same content.
    func stringsEqual(_ i: Int, _ j: Int) -> Bool {
        guard nodes[i].b == nodes[j].b else { return false }
        return withStringBytes(i) { a in withStringBytes(j) { b in JSONByteParser.equalBytes(a, b) } }
    }

    /// The string at `i` (which must be a string node).
    func string(_ i: Int) -> String {
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
    func object(_ i: Int, without keys: [String]) -> JSONObject? {
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

/// Builds the nodes of a `JSONTape`. It only decides accept or reject; `JSONParser` explains a
/// rejection.
private struct TapeBuilder {
    var parser: JSONByteParser
    var nodes: [JSONTape.Node] = []
    var decoded: [UInt8] = []
    /// Name node indices of the objects being built, for the duplicate check.
    var names: [Int] = []
    var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        parser = JSONByteParser(bytes)
        nodes.reserveCapacity(bytes.count / 8 + 4)
    }

    var bytes: UnsafeBufferPointer<UInt8> { parser.bytes }

    mutating func build() -> Bool {
        guard Self.isValidUTF8(bytes) else { return false }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { parser.position = 3 }
        parser.skipWhitespace()
        guard parser.position < bytes.count, value() else { return false }
        parser.skipWhitespace()
        return parser.position == bytes.count
    }

    /// Non-ASCII bytes are only valid inside strings, so validating the whole document once
    /// covers every string; ASCII runs are skipped eight bytes at a time.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if JSONByteParser.isASCII(bytes) { return true }
        return UTF8Validation.isValid(bytes)
    }

    mutating func value() -> Bool {
        guard parser.position < bytes.count else { return false }
        switch bytes[parser.position] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true", .true)
        case UInt8(ascii: "f"): return literal("false", .false)
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard let number = try? parser.parseNumber() else { return false }
            switch number {
            case .int(let i): nodes.append(JSONTape.Node(kind: .int, bits: UInt64(bitPattern: i)))
            case .double(let d): nodes.append(JSONTape.Node(kind: .double, bits: d.bitPattern))
            default: return false
            }
            return true
        default: return false
        }
    }

    mutating func literal(_ text: StaticString, _ kind: JSONTape.Kind) -> Bool {
        guard (try? parser.expectLiteral(text)) != nil else { return false }
        nodes.append(JSONTape.Node(kind: kind))
        return true
    }

    mutating func string() -> Bool {
        parser.position += 1
        let start = parser.position
        parser.skipPlainStringBytes()
        while parser.position < bytes.count {
            let b = bytes[parser.position]
            if b == UInt8(ascii: "\"") {
                nodes.append(
                    JSONTape.Node(kind: .string, a: UInt32(start), b: UInt32(parser.position - start)))
                parser.position += 1
                return true
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { return false }
            parser.position += 1
        }
        guard parser.position < bytes.count else { return false }
        // Escapes: the decoded content goes to the side buffer.
        let offset = decoded.count
        decoded.append(contentsOf: bytes[start..<parser.position])
        while parser.position < bytes.count {
            let b = bytes[parser.position]
            switch b {
            case UInt8(ascii: "\""):
                parser.position += 1
                nodes.append(
                    JSONTape.Node(
                        kind: .string, inDecoded: true, a: UInt32(offset), b: UInt32(decoded.count - offset)))
                return true
            case UInt8(ascii: "\\"):
                guard (try? parser.parseEscape(into: &decoded)) != nil else { return false }
            default:
                if b < 0x20 { return false }
                decoded.append(b)
                parser.position += 1
            }
        }
        return false
    }

    mutating func enter() -> Bool {
        depth += 1
        return depth <= JSONParser.maximumDepth
    }

    mutating func array() -> Bool {
        guard enter() else { return false }
        parser.position += 1
        let index = nodes.count
        nodes.append(JSONTape.Node(kind: .array))
        var count: UInt32 = 0
        parser.skipWhitespace()
        if parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "]") {
            parser.position += 1
        } else {
            while true {
                parser.skipWhitespace()
                guard value() else { return false }
                count += 1
                parser.skipWhitespace()
                guard parser.position < bytes.count else { return false }
                let b = bytes[parser.position]
                parser.position += 1
                if b == UInt8(ascii: "]") { break }
                guard b == UInt8(ascii: ",") else { return false }
            }
        }
        depth -= 1
        nodes[index].a = count
        nodes[index].b = UInt32(nodes.count)
        return true
    }

    mutating func object() -> Bool {
        guard enter() else { return false }
        parser.position += 1
        let index = nodes.count
        nodes.append(JSONTape.Node(kind: .object))
        let base = names.count
        defer { names.removeSubrange(base...) }
        var count: UInt32 = 0
        parser.skipWhitespace()
        if parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "}") {
            parser.position += 1
        } else {
            while true {
                parser.skipWhitespace()
                guard parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "\""), string()
                else { return false }
                let name = nodes.count - 1
                for other in names[base...] where nameEquals(other, name) { return false }
                names.append(name)
                parser.skipWhitespace()
                guard parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: ":") else { return false }
                parser.position += 1
                parser.skipWhitespace()
                guard value() else { return false }
                count += 1
                parser.skipWhitespace()
                guard parser.position < bytes.count else { return false }
                let b = bytes[parser.position]
                parser.position += 1
                if b == UInt8(ascii: "}") { break }
                guard b == UInt8(ascii: ",") else { return false }
            }
        }
        depth -= 1
        nodes[index].a = count
        nodes[index].b = UInt32(nodes.count)
        return true
    }

    func nameEquals(_ i: Int, _ j: Int) -> Bool {
        let x = nodes[i]
        let y = nodes[j]
        guard x.b == y.b else { return false }
        return content(x) { a in content(y) { b in JSONByteParser.equalBytes(a, b) } }
    }

    func content<R>(_ node: JSONTape.Node, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if node.inDecoded {
            return decoded.withUnsafeBufferPointer {
                body(UnsafeBufferPointer(rebasing: $0[Int(node.a)..<Int(node.a + node.b)]))
            }
        }
        return body(UnsafeBufferPointer(rebasing: bytes[Int(node.a)..<Int(node.a + node.b)]))
    }
}
