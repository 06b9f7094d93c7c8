/// An error in a JSON document, located by line and column (both 1-based, columns in characters).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Written by hand rather than using Foundation because the gateway needs line:column errors for
/// vendors' broken payloads, rejects hostile input (invalid UTF-8, duplicate keys, deep nesting)
/// and parses each webhook on the hot path.
public struct JSONParser {
    /// Nesting deeper than this is rejected so hostile input cannot exhaust the stack.
    public static let maximumDepth = 256

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var parser = JSONByteParser(buffer)
            return try parser.parseDocument()
        }
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

struct JSONByteParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var depth = 0
    /// Members and elements of the containers being parsed; each container is copied out at its
    /// exact size when it closes, so parsing allocates once per container.
    var memberStack: [JSONObject.Member] = []
    var elementStack: [JSONValue] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        // A UTF-8 byte order mark is tolerated: some vendor tooling writes one.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        skipWhitespace()
        guard position < bytes.count else { throw error("empty document") }
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw error("unexpected \(describeByte()) after the document") }
        return value
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let end = min(offset ?? position, bytes.count)
        var line = 1
        var column = 1
        var i = 0
        while i < end {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return JSONParseError(line: line, column: column, message: message)
    }

    func describeByte() -> String {
        guard position < bytes.count else { return "end of input" }
        let b = bytes[position]
        if b >= 0x21 && b < 0x7F { return "character '\(Character(Unicode.Scalar(b)))'" }
        if b >= 0x80 {
            // Show the whole scalar: typographic quotes are the usual culprit in hand-edited JSON.
            var end = position + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80, end - position < 4 { end += 1 }
            if let s = String(validating: bytes[position..<end], as: UTF8.self), let scalar = s.unicodeScalars.first {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                switch scalar.value {
                case 0xA0, 0x3000:
                    return "\(code) (a no-break or full-width space; was the JSON copied from a web page?)"
                case 0x201C, 0x201D, 0x2018, 0x2019:
                    return "character '\(s)' (\(code), a typographic quote instead of '\"')"
                default: return "character '\(s)' (\(code))"
                }
            }
        }
        return "byte 0x\(String(b, radix: 16, uppercase: true))"
    }

    @inline(__always) mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            throw error("unexpected \(describeByte()), expected a value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let start = position
        let matches = literal.withUTF8Buffer { lit in
            guard start + count <= bytes.count else { return false }
            for i in 0..<count where bytes[start + i] != lit[i] { return false }
            return true
        }
        guard matches else { throw error("unexpected \(describeByte()), expected a value") }
        position += count
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw error("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1
        let base = memberStack.count
        defer { memberStack.removeSubrange(base...) }
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(JSONObject())
        }
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an object") }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeByte()), expected a member name in double quotes")
            }
            let keyStart = position
            let key = try parseString()
            // Lengths first: most names differ in length, and comparing counts is cheap.
            let length = key.utf8.count
            for i in base..<memberStack.count
            where memberStack[i].key.utf8.count == length && memberStack[i].key == key {
                throw error("duplicate member name \"\(key)\"", at: keyStart)
            }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeByte()), expected ':' after a member name")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            memberStack.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an object") }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    throw error("trailing comma before '}'")
                }
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                var object = JSONObject()
                object.members = Array(memberStack[base...])
                return .object(object)
            default:
                throw error("unexpected \(describeByte()), expected ',' or '}'")
            }
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1
        let base = elementStack.count
        defer { elementStack.removeSubrange(base...) }
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array([])
        }
        while true {
            skipWhitespace()
            let element = try parseValue()
            elementStack.append(element)
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an array") }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    throw error("trailing comma before ']'")
                }
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(Array(elementStack[base...]))
            default:
                throw error("unexpected \(describeByte()), expected ',' or ']'")
            }
        }
    }
}
