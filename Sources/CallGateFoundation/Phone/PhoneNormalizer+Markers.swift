/// What vendors write instead of a number, and the JP-specific pieces around one
/// (Docs/call-record.md, "Phone numbers").
extension PhoneNormalizer {
    /// Words that stand for a number the network did not deliver, compared case-insensitively.
    static let markers: [String: PhonePresentation] = [
        "anonymous": .restricted, "private": .restricted, "restricted": .restricted, "withheld": .restricted,
        "非通知": .restricted, "ユーザ非通知": .restricted, "ユーザー非通知": .restricted,
        "公衆電話": .payphone, "payphone": .payphone,
        "unknown": .unavailable, "unavailable": .unavailable, "通知不可能": .unavailable, "表示圏外": .unavailable,
    ]

    /// The presentation a marker word stands for; numbers (anything with a digit) are never markers.
    static func marker(_ text: ArraySlice<Unicode.Scalar>) -> PhonePresentation? {
        if text.contains(where: \.isPhoneDigit) { return nil }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text)
        return markers[String(view).lowercased()]
    }

    /// What may stand between `内線` and its digits.
    private static let naisenSeparators: Set<Unicode.Scalar> = [":", "：", "-", "－"]

    /// Splits `03-1234-5678 内線 123` into the number and the extension digits. libphonenumber rejects
    /// such input as a whole, so the number part is what it gets to judge.
    static func splitNaisen(_ text: ArraySlice<Unicode.Scalar>) -> (ArraySlice<Unicode.Scalar>, String)? {
        guard let label = text.indices.first(where: { text[$0] == "内" && text[($0 + 1)...].first == "線" })
        else { return nil }
        var index = label + 2
        while index < text.endIndex, text[index].isPhoneWhitespace || naisenSeparators.contains(text[index]) {
            index += 1
        }
        var digits = ""
        while index < text.endIndex, let digit = text[index].phoneDigit {
            digits.unicodeScalars.append(Unicode.Scalar(digit + 0x30))
            index += 1
        }
        guard !digits.isEmpty else { return nil }
        // Only closing brackets may follow: `03-1234-5678（内線123）`.
        guard text[index...].allSatisfy({ $0 == ")" || $0 == "）" || $0.isPhoneWhitespace }) else { return nil }
        var number = text[..<label]
        while let last = number.last, last.isPhoneWhitespace || last.isPhoneSeparator { number.removeLast() }
        return (number, digits)
    }

    /// A short internal extension (`201`, `1001`): up to six digits, not starting with `0`. These are
    /// PBX-internal parties, not numbers anyone could dial from outside.
    static func shortExtension(_ text: ArraySlice<Unicode.Scalar>) -> String? {
        guard (1...6).contains(text.count), let first = text.first?.phoneDigit, first != 0 else { return nil }
        var digits = ""
        for scalar in text {
            guard let digit = scalar.phoneDigit else { return nil }
            digits.unicodeScalars.append(Unicode.Scalar(digit + 0x30))
        }
        return digits
    }

    enum CallerIDPrefix {
        case none
        /// `184` on its own: the caller withheld the number.
        case alone
        /// `184`/`186` before a national number: the number after it, and what the prefix asked for.
        case prefix(ArraySlice<Unicode.Scalar>, PhonePresentation)
    }

    /// Recognises the JP caller-ID prefixes: `184` withholds the number for one call, `186` presents
    /// it. They are dialled before a number that starts with the trunk `0` (or the `010`
    /// international prefix), which tells them apart from a number that merely starts with 184.
    static func callerIDPrefix(_ text: ArraySlice<Unicode.Scalar>) -> CallerIDPrefix {
        var digits: [UInt8] = []
        var afterPrefix = text.endIndex
        for index in text.indices {
            if let digit = text[index].phoneDigit {
                digits.append(digit)
                if digits.count == 3 { afterPrefix = index + 1 }
                if digits.count == 4 { break }
            } else if !text[index].isPhoneSeparator {
                return .none
            }
        }
        guard digits.count >= 3, digits[0] == 1, digits[1] == 8, digits[2] == 4 || digits[2] == 6 else { return .none }
        if digits.count == 3 { return digits[2] == 4 ? .alone : .none }
        guard digits[3] == 0 else { return .none }
        return .prefix(text[afterPrefix...], digits[2] == 4 ? .restricted : .allowed)
    }
}
