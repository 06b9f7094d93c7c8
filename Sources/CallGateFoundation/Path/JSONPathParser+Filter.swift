extension JSONPathParser {
    mutating func parseLogicalOr() throws(JSONPathError) -> FilterExpression {
        var terms = [try parseLogicalAnd()]
        while true {
            let save = i
            skipBlank()
            guard consume("||") else {
                i = save
                break
            }
            skipBlank()
            terms.append(try parseLogicalAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    mutating func parseLogicalAnd() throws(JSONPathError) -> FilterExpression {
        var terms = [try parseBasic()]
        while true {
            let save = i
            skipBlank()
            guard consume("&&") else {
                i = save
                break
            }
            skipBlank()
            terms.append(try parseBasic())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    mutating func parseBasic() throws(JSONPathError) -> FilterExpression {
        guard let c = peek else { throw fail("unexpected end of filter") }
        if c == "!" {
            i += 1
            skipBlank()
            if peek == "(" { return .not(try parseParenthesized()) }
            guard let q = peek, q == "@" || q == "$" else {
                if let q = peek, q.properties.isLowercase { throw unsupported("function extensions") }
                throw fail("'!' must precede a query or a parenthesized expression")
            }
            return .not(.exists(try parseFilterQuery()))
        }
        if c == "(" { return try parseParenthesized() }
        if c == "@" || c == "$" {
            let query = try parseFilterQuery()
            if let op = try parseComparisonOperatorIfPresent() {
                guard query.isSingular else {
                    throw fail("a comparison needs a singular query (names and indices only)")
                }
                skipBlank()
                return .compare(.query(query), op, try parseComparand())
            }
            return .exists(query)
        }
        let lhs = try parseComparand()
        guard let op = try parseComparisonOperatorIfPresent() else {
            throw fail("a literal must be compared with something")
        }
        skipBlank()
        return .compare(lhs, op, try parseComparand())
    }

    mutating func parseParenthesized() throws(JSONPathError) -> FilterExpression {
        i += 1  // (
        try enter()
        defer { depth -= 1 }
        skipBlank()
        let inner = try parseLogicalOr()
        skipBlank()
        guard peek == ")" else { throw fail("expected ')'") }
        i += 1
        return inner
    }

    mutating func parseFilterQuery() throws(JSONPathError) -> JSONPath {
        let start = i
        let root: JSONPath.Root = s[i] == "@" ? .current : .document
        i += 1
        let segments = try parseSegments(inFilter: true)
        let source = String(String.UnicodeScalarView(s[start..<i]))
        return JSONPath(root: root, segments: segments, description: source)
    }

    mutating func parseComparisonOperatorIfPresent() throws(JSONPathError) -> ComparisonOperator? {
        let save = i
        skipBlank()
        for op in ["==", "!=", "<=", ">=", "<", ">"] where consume(op) {
            return ComparisonOperator(rawValue: op)
        }
        i = save
        return nil
    }

    mutating func parseComparand() throws(JSONPathError) -> Comparand {
        guard let c = peek else { throw fail("expected a value to compare") }
        switch c {
        case "@", "$":
            let query = try parseFilterQuery()
            guard query.isSingular else { throw fail("a comparison needs a singular query (names and indices only)") }
            return .query(query)
        case "'", "\"":
            return .literal(.string(try parseStringLiteral()))
        case "-", "0"..."9":
            return .literal(try parseNumberLiteral())
        default:
            if consumeWord("true") { return .literal(.bool(true)) }
            if consumeWord("false") { return .literal(.bool(false)) }
            if consumeWord("null") { return .literal(.null) }
            if c.properties.isLowercase { throw unsupported("function extensions") }
            throw fail("unexpected '\(c)' in a filter")
        }
    }

    mutating func parseNumberLiteral() throws(JSONPathError) -> JSONValue {
        let start = i
        if peek == "-" { i += 1 }
        guard let first = peek, Self.isDigit(first) else { throw fail("invalid number", at: start) }
        i += 1
        if first == "0", let c = peek, Self.isDigit(c) { throw fail("leading zero in a number", at: start) }
        while let c = peek, Self.isDigit(c) { i += 1 }
        var integral = true
        if peek == "." {
            integral = false
            i += 1
            guard let c = peek, Self.isDigit(c) else { throw fail("expected a digit after '.'") }
            while let c = peek, Self.isDigit(c) { i += 1 }
        }
        if peek == "e" || peek == "E" {
            integral = false
            i += 1
            if peek == "+" || peek == "-" { i += 1 }
            guard let c = peek, Self.isDigit(c) else { throw fail("expected a digit in the exponent") }
            while let c = peek, Self.isDigit(c) { i += 1 }
        }
        let literal = String(String.UnicodeScalarView(s[start..<i]))
        if integral, let v = Int64(literal) { return .int(v) }
        guard let d = Double(literal) else { throw fail("invalid number", at: start) }
        return .double(d)
    }

    /// A quoted name or string: escapes as in RFC 9535 (`\b \f \n \r \t \/ \\ \uXXXX` and the
    /// enclosing quote), no raw control characters.
    mutating func parseStringLiteral() throws(JSONPathError) -> String {
        let quote = s[i]
        let start = i
        i += 1
        var out = String.UnicodeScalarView()
        while let c = peek {
            i += 1
            if c == quote { return String(out) }
            if c.value < 0x20 { throw fail("control character in a string literal", at: i - 1) }
            guard c == "\\" else {
                out.append(c)
                continue
            }
            guard let e = peek else { break }
            i += 1
            switch e {
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "/": out.append("/")
            case "\\": out.append("\\")
            case "u": out.append(try parseUnicodeEscape())
            default:
                guard e == quote else { throw fail("invalid escape '\\\(e)'", at: i - 2) }
                out.append(e)
            }
        }
        throw fail("unterminated string literal", at: start)
    }

    mutating func parseUnicodeEscape() throws(JSONPathError) -> Unicode.Scalar {
        let high = try parseHex4()
        if (0xDC00...0xDFFF).contains(high) { throw fail("unpaired low surrogate") }
        if (0xD800...0xDBFF).contains(high) {
            guard consume("\\u") else { throw fail("unpaired high surrogate") }
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired high surrogate") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        return Unicode.Scalar(high)!
    }

    mutating func parseHex4() throws(JSONPathError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let c = peek,
                let digit = c.properties.numericType != nil || c.isASCII ? Int(String(c), radix: 16) : nil
            else { throw fail("expected four hex digits in \\u escape") }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    mutating func consume(_ literal: String) -> Bool {
        let scalars = Array(literal.unicodeScalars)
        guard i + scalars.count <= s.count, Array(s[i..<i + scalars.count]) == scalars else { return false }
        i += scalars.count
        return true
    }

    /// A keyword literal not followed by a name character (`true`, not `trueish`).
    mutating func consumeWord(_ word: String) -> Bool {
        let save = i
        guard consume(word) else { return false }
        if let c = peek, Self.isNameFirst(c) || Self.isDigit(c) || c == "(" {
            i = save
            return false
        }
        return true
    }
}
