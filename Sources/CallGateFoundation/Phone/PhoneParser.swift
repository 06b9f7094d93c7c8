/// A number read into its parts: calling code, national significant number, extension.
struct ParsedPhone: Sendable, Equatable {
    var countryCode: Int
    /// National significant number: digits 0–9, trunk prefix removed.
    var nationalNumber: [UInt8]
    var `extension`: String?
}

/// Reads a dialled number the way libphonenumber's `parse` does, for the rules in `PhoneRegion`.
///
/// The steps follow libphonenumber so that results agree with it (`Tests/Support/phone_oracle.py`
/// checks that): find where the number starts, check it looks like a number, split off an extension,
/// then decide the calling code (after `+`, after an international prefix, or the default region's
/// own code written without `+`) and drop a trunk prefix. The order matters: the answer for
/// `81312345678` in JP depends on which reading gives a well-shaped national number.
enum PhoneParser {
    /// libphonenumber's bounds on a national significant number.
    static let minimumLength = 2
    static let maximumLength = 17

    /// Parses `text`, or returns `nil` where libphonenumber would throw.
    static func parse(_ text: ArraySlice<Unicode.Scalar>, defaultRegion: PhoneRegion?) -> ParsedPhone? {
        guard let candidate = extractPossibleNumber(text), isViable(candidate) else { return nil }
        let plusCount = candidate.prefix(while: \.isPhonePlus).count
        // Without a default region only a number written with `+` can be read.
        if defaultRegion == nil && plusCount == 0 { return nil }

        var number = candidate
        var digitsOfExtension: String?
        if let found = PhoneExtension.find(in: candidate), isViable(candidate[..<found.start]) {
            number = candidate[..<found.start]
            digitsOfExtension = found.digits
        }

        var reading = readCountryCode(number, region: defaultRegion)
        if case .invalidCountryCode = reading, plusCount > 0 {
            // `+0312345678`: libphonenumber retries as if the plus were not there, but then insists
            // on finding a calling code.
            reading = readCountryCode(number.dropFirst(plusCount), region: defaultRegion)
            if case .noCountryCode = reading { return nil }
        }

        let countryCode: Int
        var national: ArraySlice<UInt8>
        // A national number follows the default region's rules (CA differs from US); a number with
        // a calling code follows the rules of that code's main region.
        let rules: PhoneRegion?
        switch reading {
        case .failed, .invalidCountryCode:
            return nil
        case .found(let code, let rest):
            countryCode = code
            national = rest
            rules = PhoneRegion.forCountryCode(code)
        case .noCountryCode(let digits):
            guard let defaultRegion else { return nil }
            countryCode = defaultRegion.countryCode
            national = digits
            rules = defaultRegion
        }
        guard national.count >= minimumLength else { return nil }

        if let rules {
            let stripped = rules.strippingNationalPrefix(national)
            // Keep the prefix when what remains is too short to be a whole number: the digits may
            // be a short code that merely starts like a trunk prefix.
            switch rules.lengthCheck(stripped) {
            case .tooShort, .localOnly, .invalidLength: break
            case .possible, .tooLong: national = stripped
            }
        }
        guard national.count >= minimumLength, national.count <= maximumLength else { return nil }
        return ParsedPhone(countryCode: countryCode, nationalNumber: Array(national), extension: digitsOfExtension)
    }

    // MARK: - Finding the number

    /// Drops leading text (`Tel: `) and trailing junk, and a second number after `/x`.
    static func extractPossibleNumber(_ text: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar>? {
        guard let start = text.firstIndex(where: { $0.isPhonePlus || $0.isPhoneDigit }) else { return nil }
        var end = text.endIndex
        while end > start, !(text[end - 1] == "#" || (text[end - 1].isWordCharacter && text[end - 1] != "_")) {
            end -= 1
        }
        var index = start
        while index < end {
            if text[index] == "/" || text[index] == "\\" {
                var next = index + 1
                while next < end && text[next] == " " { next += 1 }
                if next < end && text[next] == "x" { end = index; break }
            }
            index += 1
        }
        return text[start..<end]
    }

    /// Whether the text looks like a phone number: at least three digits before any letter, and only
    /// separators, letters and digits (plus an extension at the end), or exactly two digits.
    static func isViable(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        guard text.count >= minimumLength else { return false }
        if text.count == 2 && text.allSatisfy(\.isPhoneDigit) { return true }
        if hasNumberShape(text) { return true }
        guard let found = PhoneExtension.find(in: text) else { return false }
        return hasNumberShape(text[..<found.start])
    }

    private static func hasNumberShape(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        var digitsBeforeLetters = 0
        var seenLetter = false
        for scalar in text.drop(while: \.isPhonePlus) {
            if scalar.isPhoneDigit {
                if !seenLetter { digitsBeforeLetters += 1 }
            } else if scalar.isPhoneSeparator {
                continue
            } else if scalar.isASCIILetter {
                seenLetter = true
            } else {
                return false
            }
        }
        return digitsBeforeLetters >= 3
    }

    /// The digits of the text; with three or more letters it is a vanity number (`1-800-FLOWERS`)
    /// and letters become keypad digits.
    static func normalize(_ text: ArraySlice<Unicode.Scalar>) -> [UInt8] {
        var letters = 0
        for scalar in text where scalar.isASCIILetter { letters += 1 }
        var digits: [UInt8] = []
        digits.reserveCapacity(text.count)
        if letters >= 3 {
            for scalar in text {
                if scalar.value >= 0x30 && scalar.value <= 0x39 {
                    digits.append(UInt8(scalar.value - 0x30))
                } else if let digit = scalar.keypadDigit {
                    digits.append(digit)
                }
            }
        } else {
            for scalar in text { if let digit = scalar.phoneDigit { digits.append(digit) } }
        }
        return digits
    }

    // MARK: - Calling code

    enum CountryCodeReading {
        case found(Int, ArraySlice<UInt8>)
        /// No calling code: all digits of the number, to be read as a national number.
        case noCountryCode(ArraySlice<UInt8>)
        case invalidCountryCode
        case failed
    }

    /// Finds the calling code after `+` or an international prefix, or the default region's own code
    /// dialled without `+` when the rest reads better as a national number.
    static func readCountryCode(_ text: ArraySlice<Unicode.Scalar>, region: PhoneRegion?) -> CountryCodeReading {
        let plusCount = text.prefix(while: \.isPhonePlus).count
        var digits = normalize(text.dropFirst(plusCount))[...]
        var international = plusCount > 0
        if !international, let region,
            let prefix = region.internationalPrefixes.first(where: { $0.isPrefix(of: digits) })
        {
            // A calling code never starts with 0, so `0100…` in JP is not an international call.
            let rest = digits.dropFirst(prefix.count)
            if rest.first != 0 {
                digits = rest
                international = true
            }
        }
        if international {
            guard digits.count > minimumLength else { return .failed }
            guard let (code, rest) = leadingCountryCode(digits) else { return .invalidCountryCode }
            return .found(code, rest)
        }
        guard let region else { return .noCountryCode(digits) }
        let code = region.countryCode
        let codeLength = code < 10 ? 1 : code < 100 ? 2 : 3
        guard digits.count > codeLength, digits.prefix(codeLength).reduce(0, { $0 * 10 + Int($1) }) == code else {
            return .noCountryCode(digits)
        }
        let potential = region.strippingNationalPrefix(digits.dropFirst(codeLength))
        // `81312345678` in JP: malformed as a national number, well-formed once `81` is read as the
        // calling code; likewise when the whole is too long to be national.
        if (!region.hasShape(digits) && region.hasShape(potential)) || region.lengthCheck(digits) == .tooLong {
            return .found(code, potential)
        }
        return .noCountryCode(digits)
    }

    /// The shortest assigned calling code (1–3 digits) the digits start with.
    static func leadingCountryCode(_ digits: ArraySlice<UInt8>) -> (Int, ArraySlice<UInt8>)? {
        guard let first = digits.first, first != 0 else { return nil }
        var code = 0
        for (offset, digit) in digits.prefix(3).enumerated() {
            code = code * 10 + Int(digit)
            if PhoneCallingCodes.mainRegion[code] != nil {
                return (code, digits.dropFirst(offset + 1))
            }
        }
        return nil
    }
}
