/// Character classes used when reading phone numbers, matching libphonenumber's so that we accept and
/// reject exactly the inputs it does (full-width forms included).
extension Unicode.Scalar {
    /// The value of a decimal digit in any script (`3`, `３`, `٣`), or `nil`.
    @inline(__always)
    var phoneDigit: UInt8? {
        if value >= 0x30 && value <= 0x39 { return UInt8(truncatingIfNeeded: value &- 0x30) }
        if value < 0x80 { return nil }
        return nonASCIIDigit
    }

    private var nonASCIIDigit: UInt8? {
        if value >= 0xFF10 && value <= 0xFF19 { return UInt8(value - 0xFF10) }
        // Python's `\d`: any decimal digit (Nd), so Arabic-Indic and others count as digits too.
        guard properties.numericType == .decimal, let number = properties.numericValue else { return nil }
        return UInt8(number)
    }

    var isPhoneDigit: Bool { phoneDigit != nil }

    /// Unicode white space (including the ideographic space `　`), with an ASCII fast path.
    var isPhoneWhitespace: Bool {
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return properties.isWhitespace
    }

    /// `+` or full-width `＋`.
    var isPhonePlus: Bool { value == 0x2B || value == 0xFF0B }

    /// ASCII letter (the only letters libphonenumber reads as vanity digits).
    var isASCIILetter: Bool { (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A }

    /// Separators libphonenumber ignores inside a number: hyphens and dashes of every width (including
    /// the katakana prolonged sound mark `ー` that Japanese input methods produce), spaces including the
    /// ideographic space, parentheses and brackets in both widths, dots, slashes, tildes, `x` and `*`.
    var isPhoneSeparator: Bool {
        switch value {
        case 0x2D, 0x78, 0x58, 0x20, 0x28, 0x29, 0x2E, 0x5B, 0x5D, 0x2F, 0x7E, 0x2A: return true
        case 0xA0, 0xAD, 0x200B, 0x2060, 0x3000: return true
        case 0x2010...0x2015, 0x2212, 0x30FC, 0x2053, 0x223C: return true
        case 0xFF08, 0xFF09, 0xFF0D...0xFF0F, 0xFF3B, 0xFF3D, 0xFF5E: return true
        default: return false
        }
    }

    /// Python's `\w` (letters and digits of any script, and `_`), used to trim trailing junk.
    var isWordCharacter: Bool {
        if value < 0x80 {
            return isASCIILetter || (value >= 0x30 && value <= 0x39) || value == 0x5F
        }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return properties.numericType != nil
        }
    }

    /// The keypad digit of an ASCII letter (`A`–`C` → 2 … `W`–`Z` → 9), as E.161 defines it.
    var keypadDigit: UInt8? {
        guard isASCIILetter else { return nil }
        let index = Int((value | 0x20) - 0x61)
        return Self.keypad[index]
    }

    private static let keypad: [UInt8] = [
        2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9,
    ]
}

extension ArraySlice where Element == Unicode.Scalar {
    /// Whether `text` occurs at `index`, comparing ASCII letters case-insensitively.
    func hasPrefixIgnoringCase(_ text: [Unicode.Scalar], at index: Index) -> Bool {
        guard endIndex - index >= text.count else { return false }
        var position = index
        for expected in text {
            if !self[position].equalsIgnoringASCIICase(expected) { return false }
            position += 1
        }
        return true
    }
}

extension Unicode.Scalar {
    func equalsIgnoringASCIICase(_ other: Unicode.Scalar) -> Bool {
        if self == other { return true }
        return isASCIILetter && other.isASCIILetter && (value | 0x20) == (other.value | 0x20)
    }
}
