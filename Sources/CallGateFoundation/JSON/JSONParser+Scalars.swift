extension JSONByteParser {
    /// Parses a string starting at the opening quote. The common case (no escapes) becomes one
    /// validated slice; escapes fall back to building the bytes.
    mutating func parseString() throws(JSONParseError) -> String {
        let start = position
        position += 1
        let contentStart = position
        skipPlainStringBytes()
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[contentStart..<position])
                position += 1
                return try makeString(slice, start: contentStart)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw controlCharacterError(start: start) }
            position += 1
        }
        guard position < bytes.count else { throw error("unterminated string", at: start) }
        var buffer = Array(bytes[contentStart..<position])
        while position < bytes.count {
            let b = bytes[position]
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                return try buffer.withUnsafeBufferPointer { p throws(JSONParseError) in
                    try makeString(p, start: contentStart)
                }
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            default:
                if b < 0x20 { throw controlCharacterError(start: start) }
                buffer.append(b)
                position += 1
            }
        }
        throw error("unterminated string", at: start)
    }

    func controlCharacterError(start: Int) -> JSONParseError {
        // A raw line break inside a string almost always means a closing quote is missing or is a
        // typographic one (as in MiiTel's published minutes sample); say so.
        let opened = error("", at: start)
        var message = "unescaped control character in a string (opened at line \(opened.line), column \(opened.column))"
        if bytes[position] == 0x0A || bytes[position] == 0x0D {
            message += "; is its closing quote missing or a typographic quote?"
        }
        return error(message)
    }

    /// Builds a string from bytes, rejecting invalid UTF-8 (where `String(decoding:)` would
    /// silently repair it). ASCII needs no check. Otherwise the standard library validates while it
    /// copies, replacing each invalid sequence with U+FFFD; since that always changes the bytes,
    /// the text was valid exactly when the copy equals the input (a memcmp, far cheaper than a
    /// second validation pass).
    func makeString(_ slice: UnsafeBufferPointer<UInt8>, start: Int) throws(JSONParseError) -> String {
        var s = String(decoding: slice, as: UTF8.self)
        if s.utf8.count == slice.count, Self.isASCII(slice) { return s }
        let same = s.withUTF8 { copy in Self.equalBytes(copy, slice) }
        guard same else { throw error("invalid UTF-8 in a string", at: start) }
        return s
    }

    static func equalBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        let ra = UnsafeRawPointer(pa)
        let rb = UnsafeRawPointer(pb)
        var i = 0
        while i + 8 <= a.count {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            {
                return false
            }
            i += 8
        }
        while i < a.count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// Whether every byte is below 0x80, eight at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// Advances over string content that needs no attention (no quote, backslash or control
    /// character), eight bytes at a time, stopping at or before the first byte that does.
    @inline(__always) mutating func skipPlainStringBytes() {
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while position + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            // A byte is zero in `x` ⇔ (x - 1) & ~x has its high bit; bytes below 0x20 likewise
            // with `w - 0x20…`. False positives only stop the fast scan early.
            let hasQuote = (quote &- ones) & ~quote & highs
            let hasBackslash = (backslash &- ones) & ~backslash & highs
            let hasControl = (w &- (ones &* 0x20)) & ~w & highs
            if hasQuote | hasBackslash | hasControl != 0 { return }
            position += 8
        }
    }

    mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        position += 1
        guard position < bytes.count else { throw error("unterminated escape sequence") }
        let c = bytes[position]
        position += 1
        switch c {
        case UInt8(ascii: "\""): buffer.append(0x22)
        case UInt8(ascii: "\\"): buffer.append(0x5C)
        case UInt8(ascii: "/"): buffer.append(0x2F)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw error("unpaired surrogate in \\u escape") }
                position += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("unpaired surrogate in \\u escape")
            }
            guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
            buffer.append(contentsOf: UTF8.encode(u)!)
        default:
            position -= 1
            throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(c)))'")
        }
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) {
                throw error("invalid number: leading zero", at: start)
            }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw error("invalid number: expected a digit after '.'")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw error("invalid number: expected a digit in the exponent")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        let digits = UnsafeBufferPointer(rebasing: bytes[start..<position])
        if isInteger, digits.count <= 18 {
            // Up to 18 digits always fit an Int64: no overflow check needed.
            var value: Int64 = 0
            let negative = digits[0] == UInt8(ascii: "-")
            for b in digits.dropFirst(negative ? 1 : 0) { value = value &* 10 &+ Int64(b &- 48) }
            return .int(negative ? -value : value)
        }
        if !isInteger, let d = Self.fastDecimal(digits) { return .double(d) }
        let text = String(decoding: digits, as: UTF8.self)
        if isInteger, let i = Int64(text) { return .int(i) }
        guard let d = Double(text), d.isFinite else { throw error("number out of range", at: start) }
        return .double(d)
    }

    static let exactPowersOfTen: [Double] = (0...22).map { pow10($0) }

    static func pow10(_ k: Int) -> Double {
        var d = 1.0
        for _ in 0..<k { d *= 10 }
        return d
    }

    /// `-?digits.digits` without exponent, at most 15 significant digits: the value is
    /// mantissa / 10^k with both exactly representable, so one division is correctly rounded
    /// (Clinger's fast path). Anything else returns nil and goes through `Double(String)`.
    static func fastDecimal(_ digits: UnsafeBufferPointer<UInt8>) -> Double? {
        var mantissa: Int64 = 0
        var significant = 0
        var fraction = -1
        var negative = false
        for (i, b) in digits.enumerated() {
            switch b {
            case UInt8(ascii: "-") where i == 0: negative = true
            case UInt8(ascii: "."): fraction = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if significant > 0 || b != UInt8(ascii: "0") { significant += 1 }
                if significant > 15 { return nil }
                mantissa = mantissa * 10 + Int64(b &- 48)
                if fraction >= 0 { fraction += 1 }
            default: return nil
            }
        }
        guard fraction >= 0, fraction <= 22 else { return nil }
        let value = Double(mantissa) / exactPowersOfTen[fraction]
        return negative ? -value : value
    }

    @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
