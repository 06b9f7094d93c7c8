/// Bounds on a document beyond what the grammar itself bounds (nesting depth), so hostile input
/// costs time linear in its size and is refused early.
public struct InputLimits: Sendable, Hashable {
    /// The most members one JSON object may have (`server.max_object_members`).
    public var maxObjectMembers: Int
    /// The most fields one form body or query string may have (`server.max_form_fields`).
    public var maxFormFields: Int

    public init(maxObjectMembers: Int = 1000, maxFormFields: Int = 1000) {
        self.maxObjectMembers = maxObjectMembers
        self.maxFormFields = maxFormFields
    }

    /// The defaults for requests from vendors: far above any real payload's.
    public static let ingest = InputLimits()

    /// No bound beyond the grammar's (stored records, configuration, peers' bounded answers).
    public static let unlimited = InputLimits(maxObjectMembers: .max, maxFormFields: .max)
}

/// Builds the nodes of a `JSONTape` in one pass, and explains a rejection from where it stopped
/// (RFC 8259, strict: no trailing commas, no duplicate member names, UTF-8 only, nesting at most
/// `JSONParser.maximumDepth` levels).
struct TapeBuilder {
    var parser: JSONByteParser
    var nodes: [JSONTape.Node] = []
    var decoded: [UInt8] = []
    let limits: InputLimits
    /// Name node indices of the objects being built, innermost last.
    var names: [Int] = []
    /// For each open object past `linearNames` members, innermost last: an open-addressing table
    /// of its name nodes (index + 1; 0 is empty), and how many it holds.
    var tables: [[Int32]] = []
    var tableCounts: [Int] = []
    /// Tables of closed objects, emptied, for the next large object.
    var spareTables: [[Int32]] = []
    var depth = 0

    /// Below this many members a linear scan beats hashing every name.
    static let linearNames = 16

    init(_ bytes: UnsafeBufferPointer<UInt8>, limits: InputLimits) {
        parser = JSONByteParser(bytes)
        self.limits = limits
        nodes.reserveCapacity(bytes.count / 8 + 4)
    }

    var bytes: UnsafeBufferPointer<UInt8> { parser.bytes }

    mutating func build() throws(JSONParseError) {
        // A UTF-8 byte order mark is tolerated: some vendor tooling writes one.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { parser.position = 3 }
        parser.skipWhitespace()
        guard parser.position < bytes.count else { throw parser.error("empty document") }
        try value()
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw parser.error("unexpected \(parser.describeByte()) after the document")
        }
    }

    mutating func value() throws(JSONParseError) {
        guard parser.position < bytes.count else { throw parser.error("unexpected end of input, expected a value") }
        switch bytes[parser.position] {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true", .true)
        case UInt8(ascii: "f"): try literal("false", .false)
        case UInt8(ascii: "n"): try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            switch try parser.parseNumber() {
            case .int(let i): nodes.append(JSONTape.Node(kind: .int, bits: UInt64(bitPattern: i)))
            case .double(let d): nodes.append(JSONTape.Node(kind: .double, bits: d.bitPattern))
            default: throw parser.error("invalid number")
            }
        default:
            throw parser.error("unexpected \(parser.describeByte()), expected a value")
        }
    }

    mutating func literal(_ text: StaticString, _ kind: JSONTape.Kind) throws(JSONParseError) {
        try parser.expectLiteral(text)
        nodes.append(JSONTape.Node(kind: kind))
    }

    /// A string from its opening quote. Without escapes its content stays a range of the input;
    /// with escapes the decoded content goes to the side buffer. Non-ASCII content is validated
    /// as UTF-8 once, when the string closes.
    mutating func string() throws(JSONParseError) {
        let quote = parser.position
        parser.position += 1
        let start = parser.position
        parser.skipPlainStringBytes()
        while parser.position < bytes.count {
            let b = bytes[parser.position]
            if b == UInt8(ascii: "\"") {
                let content = UnsafeBufferPointer(rebasing: bytes[start..<parser.position])
                guard Self.isValidUTF8(content) else { throw parser.error("invalid UTF-8 in a string", at: start) }
                nodes.append(JSONTape.Node(kind: .string, a: UInt32(start), b: UInt32(parser.position - start)))
                parser.position += 1
                return
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw parser.controlCharacterError(start: quote) }
            parser.position += 1
        }
        guard parser.position < bytes.count else { throw parser.error("unterminated string", at: quote) }
        let offset = decoded.count
        decoded.append(contentsOf: bytes[start..<parser.position])
        while parser.position < bytes.count {
            let b = bytes[parser.position]
            switch b {
            case UInt8(ascii: "\""):
                parser.position += 1
                let valid = decoded.withUnsafeBufferPointer {
                    Self.isValidUTF8(UnsafeBufferPointer(rebasing: $0[offset...]))
                }
                guard valid else { throw parser.error("invalid UTF-8 in a string", at: start) }
                nodes.append(
                    JSONTape.Node(kind: .string, inDecoded: true, a: UInt32(offset), b: UInt32(decoded.count - offset)))
                return
            case UInt8(ascii: "\\"):
                try parser.parseEscape(into: &decoded)
            default:
                if b < 0x20 { throw parser.controlCharacterError(start: quote) }
                decoded.append(b)
                parser.position += 1
            }
        }
        throw parser.error("unterminated string", at: quote)
    }

    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        JSONByteParser.isASCII(bytes) || UTF8Validation.isValid(bytes)
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw parser.error("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
    }

    mutating func array() throws(JSONParseError) {
        try enter()
        parser.position += 1
        let index = nodes.count
        nodes.append(JSONTape.Node(kind: .array))
        var count: UInt32 = 0
        parser.skipWhitespace()
        if parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "]") {
            parser.position += 1
        } else {
            elements: while true {
                parser.skipWhitespace()
                try value()
                count += 1
                parser.skipWhitespace()
                guard parser.position < bytes.count else {
                    throw parser.error("unexpected end of input inside an array")
                }
                switch bytes[parser.position] {
                case UInt8(ascii: ","):
                    parser.position += 1
                    parser.skipWhitespace()
                    if parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "]") {
                        throw parser.error("trailing comma before ']'")
                    }
                case UInt8(ascii: "]"):
                    parser.position += 1
                    break elements
                default:
                    throw parser.error("unexpected \(parser.describeByte()), expected ',' or ']'")
                }
            }
        }
        depth -= 1
        nodes[index].a = count
        nodes[index].b = UInt32(nodes.count)
    }

    mutating func object() throws(JSONParseError) {
        try enter()
        parser.position += 1
        let index = nodes.count
        nodes.append(JSONTape.Node(kind: .object))
        let base = names.count
        defer {
            if names.count - base > Self.linearNames, var table = tables.popLast() {
                tableCounts.removeLast()
                table.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                if spareTables.count < 8 { spareTables.append(table) }
            }
            names.removeSubrange(base...)
        }
        var count: UInt32 = 0
        parser.skipWhitespace()
        if parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "}") {
            parser.position += 1
        } else {
            members: while true {
                parser.skipWhitespace()
                guard parser.position < bytes.count else {
                    throw parser.error("unexpected end of input inside an object")
                }
                guard bytes[parser.position] == UInt8(ascii: "\"") else {
                    throw parser.error("unexpected \(parser.describeByte()), expected a member name in double quotes")
                }
                let nameStart = parser.position
                if Int(count) >= limits.maxObjectMembers {
                    throw parser.error(
                        "an object has more than \(limits.maxObjectMembers) members (limit: max_object_members)",
                        at: nameStart)
                }
                try string()
                let name = nodes.count - 1
                if isDuplicate(name, base: base) {
                    let text = content(nodes[name]) { String(decoding: $0, as: UTF8.self) }
                    throw parser.error("duplicate member name \"\(text)\"", at: nameStart)
                }
                parser.skipWhitespace()
                guard parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: ":") else {
                    throw parser.error("unexpected \(parser.describeByte()), expected ':' after a member name")
                }
                parser.position += 1
                parser.skipWhitespace()
                try value()
                count += 1
                parser.skipWhitespace()
                guard parser.position < bytes.count else {
                    throw parser.error("unexpected end of input inside an object")
                }
                switch bytes[parser.position] {
                case UInt8(ascii: ","):
                    parser.position += 1
                    parser.skipWhitespace()
                    if parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "}") {
                        throw parser.error("trailing comma before '}'")
                    }
                case UInt8(ascii: "}"):
                    parser.position += 1
                    break members
                default:
                    throw parser.error("unexpected \(parser.describeByte()), expected ',' or '}'")
                }
            }
        }
        depth -= 1
        nodes[index].a = count
        nodes[index].b = UInt32(nodes.count)
    }

    /// Whether name node `name` repeats a name of the object being built (whose names so far are
    /// `names[base...]`), recording it otherwise. Small objects are scanned; past `linearNames`
    /// members the names go into a hash table of their own (hashed once, with the standard
    /// library's hasher, seeded per process, so a sender cannot make names collide on purpose).
    mutating func isDuplicate(_ name: Int, base: Int) -> Bool {
        let count = names.count - base
        defer { names.append(name) }
        if count < Self.linearNames {
            for other in names[base...] where nameEquals(other, name) { return true }
            return false
        }
        if count == Self.linearNames {
            var table = spareTables.popLast() ?? []
            if table.count < 64 { table = Array(repeating: 0, count: 64) }
            tables.append(table)
            tableCounts.append(0)
            for other in names[base...] { _ = insertName(other) }
        }
        return !insertName(name)
    }

    /// Adds name node `name` to the innermost table; false when an equal name is there already.
    mutating func insertName(_ name: Int) -> Bool {
        let t = tables.count - 1
        if (tableCounts[t] + 1) * 2 > tables[t].count { growTable(t) }
        let mask = tables[t].count - 1
        var slot = hash(name) & mask
        while true {
            let entry = Int(tables[t][slot])
            if entry == 0 {
                tables[t][slot] = Int32(truncatingIfNeeded: name + 1)
                tableCounts[t] += 1
                return true
            }
            if nameEquals(entry - 1, name) { return false }
            slot = (slot + 1) & mask
        }
    }

    mutating func growTable(_ t: Int) {
        let old = tables[t]
        var table = [Int32](repeating: 0, count: old.count * 2)
        let mask = table.count - 1
        for entry in old where entry != 0 {
            var slot = hash(Int(entry) - 1) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = entry
        }
        tables[t] = table
    }

    func hash(_ i: Int) -> Int {
        content(nodes[i]) { bytes in
            var hasher = Hasher()
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
            return hasher.finalize()
        }
    }

    func nameEquals(_ i: Int, _ j: Int) -> Bool {
        let x = nodes[i]
        let y = nodes[j]
        guard x.b == y.b else { return false }
        return content(x) { a in content(y) { b in JSONByteParser.equalBytes(a, b) } }
    }

    func content<R>(_ node: JSONTape.Node, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let range = Int(node.a)..<Int(node.a) + Int(node.b)
        if node.inDecoded {
            return decoded.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
        }
        return body(UnsafeBufferPointer(rebasing: bytes[range]))
    }
}
