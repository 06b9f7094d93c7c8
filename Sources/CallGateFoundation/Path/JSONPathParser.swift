/// Parses JSONPath text following the grammar of RFC 9535, reporting the supported subset's
/// boundaries as "not supported".
package struct JSONPathParser {
    let text: String
    let s: [Unicode.Scalar]
    let allowVariables: Bool
    var i = 0
    /// Nesting of filters and parentheses, bounded so a pathological path cannot exhaust the stack.
    var depth = 0
    static let maximumDepth = 64

    init(_ text: String, allowVariables: Bool) {
        self.text = text
        self.s = Array(text.unicodeScalars)
        self.allowVariables = allowVariables
    }

    var atEnd: Bool { i >= s.count }
    var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }

    func fail(_ message: String, at offset: Int? = nil) -> JSONPathError {
        JSONPathError(notSupported: false, message: message, offset: offset ?? i)
    }

    func unsupported(_ feature: String, at offset: Int? = nil) -> JSONPathError {
        JSONPathError(notSupported: true, message: feature, offset: offset ?? i)
    }

    mutating func parseQuery() throws(JSONPathError) -> JSONPath {
        guard let first = peek else { throw fail("empty path") }
        let root: JSONPath.Root
        if first == "$" {
            i += 1
            if allowVariables, let c = peek, Self.isNameFirst(c) {
                root = .variable(parseShorthandName())
            } else {
                root = .document
            }
        } else if first == "@", allowVariables {
            i += 1
            root = .current
        } else {
            throw fail("a path starts with '$'\(allowVariables ? ", '@' or '$name'" : "")")
        }
        let segments = try parseSegments(inFilter: false)
        guard atEnd else { throw fail("unexpected '\(s[i])'") }
        return JSONPath(root: root, segments: segments, description: text)
    }

    mutating func parseSegments(inFilter: Bool) throws(JSONPathError) -> [JSONPath.Segment] {
        var segments: [JSONPath.Segment] = []
        while true {
            let save = i
            skipBlank()
            guard let c = peek, c == "." || c == "[" else {
                i = save
                return segments
            }
            if c == "." {
                if i + 1 < s.count, s[i + 1] == "." { throw unsupported("descendant segment '..'") }
                i += 1
                guard let n = peek else { throw fail("expected a member name or '*' after '.'") }
                if n == "*" {
                    i += 1
                    segments.append(.wildcard)
                } else if Self.isNameFirst(n) {
                    segments.append(.name(parseShorthandName()))
                } else {
                    throw fail("expected a member name or '*' after '.'")
                }
            } else {
                segments.append(try parseBracketed())
            }
        }
    }

    mutating func parseShorthandName() -> String {
        var name = String.UnicodeScalarView()
        while let c = peek, Self.isNameFirst(c) || Self.isDigit(c) {
            name.append(c)
            i += 1
        }
        return String(name)
    }

    mutating func parseBracketed() throws(JSONPathError) -> JSONPath.Segment {
        i += 1  // [
        skipBlank()
        guard let c = peek else { throw fail("unterminated '['") }
        let segment: JSONPath.Segment
        switch c {
        case "'", "\"":
            segment = .name(try parseStringLiteral())
        case "*":
            i += 1
            segment = .wildcard
        case "?":
            i += 1
            skipBlank()
            try enter()
            segment = .filter(try parseLogicalOr())
            depth -= 1
        case ":":
            throw unsupported("array slice selector")
        default:
            guard c == "-" || Self.isDigit(c) else { throw fail("unexpected '\(c)' in a bracketed selection") }
            let start = i
            let index = try parseInteger()
            skipBlank()
            if peek == ":" { throw unsupported("array slice selector", at: start) }
            segment = .index(index)
        }
        skipBlank()
        if peek == "," { throw unsupported("union of several selectors ','") }
        guard peek == "]" else { throw fail(atEnd ? "unterminated '['" : "expected ']'") }
        i += 1
        return segment
    }

    /// An index: `0` or an optional minus and digits without a leading zero, within ±(2^53−1).
    mutating func parseInteger() throws(JSONPathError) -> Int {
        let start = i
        var negative = false
        if peek == "-" {
            negative = true
            i += 1
        }
        guard let first = peek, Self.isDigit(first) else { throw fail("expected digits", at: start) }
        if first == "0" {
            i += 1
            if negative { throw fail("'-0' is not a valid index", at: start) }
            if let c = peek, Self.isDigit(c) { throw fail("leading zero in an index", at: start) }
            return 0
        }
        var value = 0
        while let c = peek, Self.isDigit(c) {
            value = value * 10 + Int(c.value - 48)
            if value > 9_007_199_254_740_991 { throw fail("index out of range", at: start) }
            i += 1
        }
        return negative ? -value : value
    }

    mutating func enter() throws(JSONPathError) {
        depth += 1
        if depth > Self.maximumDepth { throw fail("filters nested deeper than \(Self.maximumDepth) levels") }
    }

    mutating func skipBlank() {
        while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1 }
    }

    package static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }

    package static func isNameFirst(_ c: Unicode.Scalar) -> Bool {
        (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122) || c == "_" || c.value >= 0x80
    }
}
