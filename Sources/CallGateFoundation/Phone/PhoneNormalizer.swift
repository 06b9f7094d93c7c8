/// Normalizes the telephone numbers vendors send (Docs/call-record.md, "Phone numbers").
///
/// The E.164 form and `valid` agree with Google's libphonenumber (`parse` + `is_possible_number`),
/// which `Tests/Support/phone_oracle.py` checks over `Tests/Fixtures/phone/numbers.tsv`. On top of
/// that it knows what libphonenumber does not: withheld-number markers (`anonymous`, `非通知`,
/// `公衆電話`), the JP caller-ID prefixes `184`/`186`, `内線` extensions and short internal
/// extensions, none of which are phone numbers to dial. A short digit run is an extension only where
/// libphonenumber does not know it as a short service number of the region (`PhoneShortNumbers`).
public enum PhoneNormalizer {
    /// Reads a number as a vendor sent it.
    ///
    /// - Parameters:
    ///   - raw: The vendor's value, kept verbatim in the result (an empty or blank value gives `nil`).
    ///   - defaultRegion: Region code (`JP`, `CN`, `US`) for numbers written without a calling code.
    public static func normalize(_ raw: String, defaultRegion: String) -> PhoneNumber {
        var scalars = Array(raw.unicodeScalars)[...]
        while let first = scalars.first, first.isPhoneWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isPhoneWhitespace { scalars.removeLast() }
        if scalars.isEmpty { return unusable(raw: nil, presentation: .unavailable) }
        if let presentation = marker(scalars) { return unusable(raw: raw, presentation: presentation) }

        var body = scalars
        var digitsOfExtension: String?
        if let (number, digits) = splitNaisen(scalars) {
            body = number
            digitsOfExtension = digits
        }
        if body.isEmpty { return unusable(raw: raw, extension: digitsOfExtension) }

        let region = PhoneRegion.forDefaultRegion(defaultRegion)
        // 184/186 are dialled in Japan only; elsewhere `1-84…` is a calling code or area code.
        if region?.id == "JP" {
            switch callerIDPrefix(body) {
            case .none: break
            case .alone: return unusable(raw: raw, presentation: .restricted)
            case .prefix(let rest, let presentation):
                // Trust the prefix only when a number follows it: `1860 34 5123` is not 186 + `0 34 5123`.
                let number = read(
                    rest, region: region, raw: raw, extension: digitsOfExtension, presentation: presentation)
                if number.e164 != nil { return number }
            }
        }
        // A short digit run is an internal extension unless the region's network knows it as a
        // service number (`95588`, `10086` in CN): those are read as numbers, as libphonenumber does.
        if let digits = shortExtension(body), !PhoneShortNumbers.isShortNumber(digits, region: region?.id) {
            return unusable(raw: raw, extension: digits)
        }
        return read(body, region: region, raw: raw, extension: digitsOfExtension, presentation: .allowed)
    }

    /// Parses the number part and builds the result; `e164` only for a possible number.
    private static func read(
        _ body: ArraySlice<Unicode.Scalar>, region: PhoneRegion?, raw: String, extension digitsOfExtension: String?,
        presentation: PhonePresentation
    ) -> PhoneNumber {
        guard let parsed = PhoneParser.parse(body, defaultRegion: region) else {
            return unusable(raw: raw, extension: digitsOfExtension, presentation: presentation)
        }
        let extensionDigits = digitsOfExtension ?? parsed.extension
        let rules = PhoneRegion.forCountryCode(parsed.countryCode)
        guard rules?.lengthCheck(parsed.nationalNumber[...]).isPossible == true else {
            return unusable(raw: raw, extension: extensionDigits, presentation: presentation)
        }
        // Built as bytes: the hot path should not go through string interpolation per digit.
        var bytes: [UInt8] = [UInt8(ascii: "+")]
        bytes.append(contentsOf: String(parsed.countryCode).utf8)
        for digit in parsed.nationalNumber { bytes.append(digit + 0x30) }
        let e164 = String(decoding: bytes, as: UTF8.self)
        return PhoneNumber(
            raw: raw, e164: e164, region: regionOfNumber(parsed), valid: true, extension: extensionDigits,
            presentation: presentation)
    }

    private static func unusable(
        raw: String?, extension digits: String? = nil, presentation: PhonePresentation = .allowed
    ) -> PhoneNumber {
        PhoneNumber(raw: raw, e164: nil, region: nil, valid: false, extension: digits, presentation: presentation)
    }

    /// The region a parsed number belongs to; +1 is shared by the whole NANP, non-geographic codes
    /// (+800) belong to none.
    private static func regionOfNumber(_ parsed: ParsedPhone) -> String? {
        if parsed.countryCode == 1 { return PhoneCallingCodes.nanpRegion(parsed.nationalNumber[...]) }
        guard let region = PhoneCallingCodes.mainRegion[parsed.countryCode], region != "001" else { return nil }
        return region
    }
}
