/// Short numbers that libphonenumber knows as service numbers of a region (Docs/call-record.md,
/// "Phone numbers").
///
/// A bare run of up to six digits is read as a PBX-internal extension, except where the region's
/// public network gives those digits a meaning of their own: `95588` (a bank's hotline) and `10086`
/// (a carrier's service line) in China, `110` (police) in Japan. Those are numbers, not extensions.
///
/// The patterns are libphonenumber's short-number metadata (`phonenumbers/shortdata/region_XX.py`,
/// the `short_code` description that `shortnumberinfo.is_valid_short_number_for_region` checks),
/// expanded to the fixed lengths of at most six digits that the extension rule looks at. Only the
/// default regions of our sources are carried (JP, CN, US); in any other region a short digit run
/// stays an extension. `PhoneNormalizerOracleTests` compares this table with the real library for
/// every digit string of up to four digits and a sample of the five- and six-digit ones.
enum PhoneShortNumbers {
    /// Fixed-length patterns per region; a number is a short number when one matches it whole.
    static let table: [String: [DigitPattern]] = [
        // short_code: 1(?:(?:0(?:[0-2]\d|6(?:…|5)|8)|2[13]\d)\d|1[0249]|6[08])|9[56]\d{3,4}
        //             |1(?:0(?:0|690\d{6})|2[023]), of which these are six digits or shorter.
        "CN": [
            "100", "11[0249]", "12[023]", "16[08]", "108x", "10[0-2]xx", "1065x", "12[13]xx", "9[56]xxx",
            "9[56]xxxx",
        ],
        // short_code: 000[2569]\d{4,6}|1(?:0[24]|1[089]|44|89); the 000… codes start with the trunk 0
        // and never reach the extension rule.
        "JP": ["10[24]", "11[089]", "144", "189"],
        // short_code: 11(?:2|5[1-47]|[68]\d|7[0-57]|98)|[2-9]\d{3,5}|[2-8]11|9(?:11|33|88).
        // `[2-9]\d{3,5}` are the carriers' and SMS short codes: in the US every 4–6 digit run not
        // starting with 0 or 1 is one.
        "US": [
            "112", "115[1-47]", "11[68]x", "117[0-57]", "1198", "[2-8]11", "911", "933", "988", "[2-9]xxx",
            "[2-9]xxxx", "[2-9]xxxxx",
        ],
    ]

    /// Whether `digits` (ASCII) is a short number libphonenumber knows in `region`.
    static func isShortNumber(_ digits: String, region: String?) -> Bool {
        guard let region, let patterns = table[region] else { return false }
        let values = digits.utf8.map { $0 &- 0x30 }[...]
        return patterns.contains { $0.count == values.count && $0.isPrefix(of: values) }
    }
}
