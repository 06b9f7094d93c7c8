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

    /// Parses a document (through `JSONTape`, the one grammar) into a value.
    public static func parse(_ bytes: [UInt8], limits: InputLimits = .unlimited) throws(JSONParseError) -> JSONValue {
        try JSONTape(parsing: bytes, limits: limits).json
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// The scanner under `TapeBuilder`: position, whitespace, scalars, and errors with line and column.
struct JSONByteParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

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
}
