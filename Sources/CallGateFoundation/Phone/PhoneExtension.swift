/// Finds an extension at the end of a number (`ext. 123`, `x123`, `#123`, `;ext=123`, `,,123`), with
/// the same notations libphonenumber accepts. `内線123` is handled by `PhoneNormalizer`, because
/// libphonenumber rejects such input outright.
enum PhoneExtension {
    /// Where the extension part starts (including separators before it) and its digits in ASCII.
    struct Match: Sendable {
        var start: Int
        var digits: String
    }

    /// The leftmost position from which the rest of `text` reads as an extension, as a regular
    /// expression search for libphonenumber's extension pattern anchored at the end would find it.
    static func find(in text: ArraySlice<Unicode.Scalar>) -> Match? {
        // Every notation needs one of these; most numbers have none, so this keeps the hot path short.
        guard text.contains(where: { $0.isASCIILetter || introducesExtension($0.value) }) else { return nil }
        var start = text.startIndex
        while start < text.endIndex {
            for notation in notations {
                if let digits = notation(text, start) { return Match(start: start, digits: digits) }
            }
            start += 1
        }
        return nil
    }

    private typealias Notation = @Sendable (ArraySlice<Unicode.Scalar>, Int) -> String?

    /// libphonenumber's alternatives, in its order (the first that matches at a position wins).
    private static let notations: [Notation] = [
        // `;ext=123` (RFC 3966)
        { text, start in
            text.hasPrefixIgnoringCase(rfc3966, at: start)
                ? digitsToEnd(text, from: start + 5, maximum: 20, hashAllowed: false) : nil
        },
        // `ext. 123`, `extension 123`, `ｅｘｔ123`
        { text, start in
            keywordThenDigits(text, from: skip(text, start, isSpaceOrComma), keywords: labels, maximum: 20)
        },
        // `x123`, `#123`, `~123`, `int 123`
        { text, start in
            keywordThenDigits(text, from: skip(text, start, isSpaceOrComma), keywords: markers, maximum: 9)
        },
        // `- 123#`
        { text, start in
            let after = skip(text, start) { $0 == 0x2D || $0 == 0x20 }
            guard after > start else { return nil }
            let end = text.endIndex
            guard end - after >= 2, text[end - 1] == "#", text[after..<(end - 1)].allSatisfy(\.isPhoneDigit)
            else { return nil }
            return end - 1 - after <= 6 ? ascii(text[after..<(end - 1)]) : nil
        },
        // `,,123` or `;123` (dialler pauses)
        { text, start in
            keywordThenDigits(text, from: skip(text, start, isSpace), keywords: pauses, maximum: 15)
        },
        // `,123`
        { text, start in
            let commas = skip(text, start, isSpace)
            let after = skip(text, commas) { $0 == 0x2C }
            guard after > commas else { return nil }
            return separatorsThenDigits(text, from: after, maximum: 9)
        },
    ]

    private static let rfc3966 = Array(";ext=".unicodeScalars)

    /// `e?xt(ensi(ó|o))?n?` and the full-width, Russian and Spanish labels, longest first so that the
    /// first keyword that leads to a match is the one a greedy regular expression would take.
    private static let labels: [[Unicode.Scalar]] = {
        var words: [String] = []
        for head in ["ext", "xt"] {
            for middle in ["ensio\u{301}", "ensio", "ensi\u{F3}", ""] {
                words.append(head + middle + "n")
                words.append(head + middle)
            }
        }
        words += ["\u{FF45}\u{FF58}\u{FF54}\u{FF4E}", "\u{FF45}\u{FF58}\u{FF54}", "\u{FF58}\u{FF54}\u{FF4E}"]
        words += ["\u{FF58}\u{FF54}", "\u{434}\u{43E}\u{431}", "anexo"]
        return words.map { Array($0.unicodeScalars) }
    }()

    private static let markers: [[Unicode.Scalar]] = [
        "x", "\u{FF58}", "#", "\u{FF03}", "~", "\u{FF5E}", "int", "\u{FF49}\u{FF4E}\u{FF54}",
    ]
    .map { Array($0.unicodeScalars) }

    private static let pauses: [[Unicode.Scalar]] = [",,", ";"].map { Array($0.unicodeScalars) }

    private static func keywordThenDigits(
        _ text: ArraySlice<Unicode.Scalar>, from index: Int, keywords: [[Unicode.Scalar]], maximum: Int
    ) -> String? {
        for keyword in keywords where text.hasPrefixIgnoringCase(keyword, at: index) {
            if let digits = separatorsThenDigits(text, from: index + keyword.count, maximum: maximum) {
                return digits
            }
        }
        return nil
    }

    /// `[:.．]?[ ,-]*` then the digits, an optional `#`, and the end of the text.
    private static func separatorsThenDigits(_ text: ArraySlice<Unicode.Scalar>, from index: Int, maximum: Int)
        -> String?
    {
        var position = index
        if position < text.endIndex {
            switch text[position].value {
            case 0x3A, 0x2E, 0xFF0E: position += 1
            default: break
            }
        }
        let digits = skip(text, position) { isSpaceOrComma($0) || $0 == 0x2D }
        return digitsToEnd(text, from: digits, maximum: maximum, hashAllowed: true)
    }

    private static func digitsToEnd(
        _ text: ArraySlice<Unicode.Scalar>, from index: Int, maximum: Int, hashAllowed: Bool
    ) -> String? {
        var end = index
        while end < text.endIndex && text[end].isPhoneDigit { end += 1 }
        let count = end - index
        guard count >= 1, count <= maximum else { return nil }
        if end == text.endIndex || (hashAllowed && end + 1 == text.endIndex && text[end] == "#") {
            return ascii(text[index..<end])
        }
        return nil
    }

    private static func skip(_ text: ArraySlice<Unicode.Scalar>, _ index: Int, _ matches: (UInt32) -> Bool) -> Int {
        var position = index
        while position < text.endIndex && matches(text[position].value) { position += 1 }
        return position
    }

    // Space, no-break space and tab.
    private static func isSpace(_ value: UInt32) -> Bool { value == 0x20 || value == 0xA0 || value == 0x09 }
    private static func isSpaceOrComma(_ value: UInt32) -> Bool { isSpace(value) || value == 0x2C }

    /// `,` `;` `#` `＃` `~` `～` and the first letters of the full-width and Cyrillic labels.
    private static func introducesExtension(_ value: UInt32) -> Bool {
        switch value {
        case 0x2C, 0x3B, 0x23, 0xFF03, 0x7E, 0xFF5E, 0xFF58, 0xFF45, 0xFF49, 0x434: return true
        default: return false
        }
    }

    private static func ascii(_ digits: ArraySlice<Unicode.Scalar>) -> String {
        String(decoding: digits.compactMap { $0.phoneDigit.map { $0 + 0x30 } }, as: UTF8.self)
    }
}
