extension PhoneRegion {
    /// Regions with full dialling rules, keyed by region code.
    ///
    /// Derived from libphonenumber's metadata (`phonenumbers/data/region_XX.py`): international
    /// prefixes, `national_prefix_for_parsing` and the general description's leading digits and
    /// lengths. JP, CN and US are the default regions of our sources; the others are where their
    /// international calls most often go, so those numbers get trunk-prefix handling and exact
    /// length checks. Every other calling code is still recognised (see `PhoneCallingCodes`).
    static let table: [String: PhoneRegion] = {
        var regions: [String: PhoneRegion] = [:]
        for region in detailed { regions[region.id] = region }
        return regions
    }()

    /// The detailed region that owns a calling code (the "main" region for shared codes such as +1).
    static let byCountryCode: [Int: PhoneRegion] = {
        var regions: [Int: PhoneRegion] = [:]
        // The first region listed for a code is its main region (US for +1).
        for region in detailed where regions[region.countryCode] == nil { regions[region.countryCode] = region }
        return regions
    }()

    private static let detailed: [PhoneRegion] = [
        PhoneRegion(
            id: "JP", countryCode: 81, internationalPrefixes: ["010"],
            // `0037680` before `003768`: the regex's optional trailing 0 is greedy.
            nationalPrefixes: ["0037680", "003768", "0"],
            keepsNationalPrefix: [NumberShape("000[2569]", 8...10)],
            shapes: [
                NumberShape("00[1-9]", 9...17), NumberShape("[25-9]", 10), NumberShape("00", 8),
                NumberShape("[1-9]", 9),
            ],
            possibleLengths: LengthSet(8...17), localOnlyLengths: []),
        PhoneRegion(
            id: "CN", countryCode: 86, internationalPrefixes: ["00", "1[12]xxx00", "179xx00"],
            // Carrier selection codes (`1[12]xx`, `179xx`) come before the trunk 0.
            nationalPrefixes: ["1[12]xxx", "179xx", "0"], keepsNationalPrefix: [],
            shapes: [
                NumberShape("1[03-689]", 12), NumberShape("2", 12), NumberShape("6", 9), NumberShape("1", 11),
                NumberShape("[126]", [7, 8, 10]), NumberShape("86", 7...8), NumberShape("[3-579]", 7...11),
                NumberShape("8[0-57-9]", 7...11),
            ],
            possibleLengths: LengthSet(7...12), localOnlyLengths: [5, 6]),
        PhoneRegion(
            id: "US", countryCode: 1, internationalPrefixes: ["011"], nationalPrefixes: ["1"],
            keepsNationalPrefix: [], shapes: [NumberShape("[2-9]", 10), NumberShape("3", 7)],
            possibleLengths: [10], localOnlyLengths: [7]),
        // Canada dials like the US but counts 7-digit numbers as complete, which matters when a
        // source's default region is CA.
        PhoneRegion(
            id: "CA", countryCode: 1, internationalPrefixes: ["011"], nationalPrefixes: ["1"],
            keepsNationalPrefix: [], shapes: [NumberShape("[2-9]", 10), NumberShape("3", 7)],
            possibleLengths: [7, 10], localOnlyLengths: []),
        PhoneRegion(
            id: "GB", countryCode: 44, internationalPrefixes: ["00"], nationalPrefixes: ["0", "180020"],
            keepsNationalPrefix: [],
            shapes: [NumberShape("[1-357-9]", 10), NumberShape("[18]", 9), NumberShape("8", 7)],
            possibleLengths: [7, 9, 10], localOnlyLengths: [4, 5, 6, 8]),
        PhoneRegion(
            id: "KR", countryCode: 82,
            internationalPrefixes: [
                "00[125689]", "003[46]5", "00391", "00700", "00727", "0073", "00755", "0076[126]",
            ],
            nationalPrefixes: ["08[1-46-8]", "085xx", "0"], keepsNationalPrefix: [],
            shapes: [
                NumberShape("00[1-9]", 11...14), NumberShape("[12]", 8), NumberShape("5", 11),
                NumberShape("[13-6]", 10), NumberShape("[1-6]", 9), NumberShape("80", 9),
                NumberShape("[3-6]", 5...6), NumberShape("000", 11), NumberShape("70", 10),
            ],
            possibleLengths: [5, 6, 8, 9, 10, 11, 12, 13, 14], localOnlyLengths: [3, 4, 7]),
        PhoneRegion(
            id: "TW", countryCode: 886, internationalPrefixes: ["00[25-79]", "019"], nationalPrefixes: ["0"],
            keepsNationalPrefix: [],
            shapes: [
                NumberShape("[2-689]", 9), NumberShape("7", 10...11), NumberShape("[2-8]", 8), NumberShape("2", 7),
            ],
            possibleLengths: LengthSet(7...11), localOnlyLengths: []),
        // HK, MO and SG have no trunk prefix: a leading 0 there is part of the number.
        PhoneRegion(
            id: "HK", countryCode: 852, internationalPrefixes: ["0030", "005[09]", "00[126-9]", "00"],
            nationalPrefixes: [], keepsNationalPrefix: [],
            shapes: [
                NumberShape("8[0-46-9]", 8...9), NumberShape("9", 5...8), NumberShape("[2-7]", 8),
                NumberShape("9", 11),
            ],
            possibleLengths: [5, 6, 7, 8, 9, 11], localOnlyLengths: []),
        PhoneRegion(
            id: "MO", countryCode: 853, internationalPrefixes: ["00"], nationalPrefixes: [], keepsNationalPrefix: [],
            shapes: [NumberShape("0800", 7), NumberShape("28", 8), NumberShape("[68]", 8)],
            possibleLengths: [7, 8], localOnlyLengths: []),
        PhoneRegion(
            id: "SG", countryCode: 65, internationalPrefixes: ["0[0-3]x"], nationalPrefixes: [],
            keepsNationalPrefix: [],
            shapes: [NumberShape("1", 11), NumberShape("8", 10), NumberShape("7000", 11), NumberShape("[3689]", 8)],
            possibleLengths: [8, 10, 11], localOnlyLengths: []),
        PhoneRegion(
            id: "AU", countryCode: 61,
            internationalPrefixes: [
                "001[14-689]", "141[14]0011", "14340011", "144[17]0011", "14[56]60011", "147[47]0011", "14880011",
            ],
            nationalPrefixes: ["183[12]", "0"], keepsNationalPrefix: [],
            shapes: [
                NumberShape("1[0-79]", [9, 10, 12]), NumberShape("18[0-24-9]", 10), NumberShape("[2-478]", 9),
                NumberShape("1", 5...8),
            ],
            possibleLengths: [5, 6, 7, 8, 9, 10, 12], localOnlyLengths: []),
        PhoneRegion(
            id: "DE", countryCode: 49, internationalPrefixes: ["00"], nationalPrefixes: ["0"],
            keepsNationalPrefix: [],
            shapes: [
                NumberShape("[2579]", 6...15), NumberShape("49[34]0", 5...6), NumberShape("4969", 5...6),
                NumberShape("498", 5...6), NumberShape("4937", 5...7), NumberShape("4949", 5...7),
                NumberShape("4960", 5...7), NumberShape("497[089]", 5...7), NumberShape("499", 5...7),
                NumberShape("492[024-9]", 5...12), NumberShape("493[2-689]", 5...12),
                NumberShape("497[1-7]", 5...12), NumberShape("1", 4...14), NumberShape("[368]", 5...15),
                NumberShape("4[0-8]", 5...15), NumberShape("49[015]", 5...13), NumberShape("492[13]", 5...13),
                NumberShape("4931", 5...13), NumberShape("49[46][1-8]", 5...13),
            ],
            possibleLengths: LengthSet(4...15), localOnlyLengths: [2, 3]),
        PhoneRegion(
            id: "FR", countryCode: 33, internationalPrefixes: ["00"], nationalPrefixes: ["0"],
            keepsNationalPrefix: [], shapes: [NumberShape("[1-9]", 9)], possibleLengths: [9], localOnlyLengths: []),
        PhoneRegion(
            id: "IN", countryCode: 91, internationalPrefixes: ["00"], nationalPrefixes: ["0"],
            keepsNationalPrefix: [],
            shapes: [NumberShape("000800", 13), NumberShape("[2-9]", 10), NumberShape("1", 8...13)],
            possibleLengths: LengthSet(8...13), localOnlyLengths: [6, 7]),
        PhoneRegion(
            id: "PH", countryCode: 63, internationalPrefixes: ["00"], nationalPrefixes: ["0"],
            keepsNationalPrefix: [],
            shapes: [
                NumberShape("[2-7]", 9), NumberShape("9", 10), NumberShape("2", 6), NumberShape("1800", 11...13),
                NumberShape("8", 8...10),
            ],
            possibleLengths: [6, 8, 9, 10, 11, 12, 13], localOnlyLengths: [4, 5, 7]),
        PhoneRegion(
            id: "VN", countryCode: 84, internationalPrefixes: ["00"], nationalPrefixes: ["0"],
            keepsNationalPrefix: [],
            shapes: [
                NumberShape("[12]", 10), NumberShape("[135-9]", 9), NumberShape("[16]", 7...8), NumberShape("7", 7),
            ],
            possibleLengths: LengthSet(7...10), localOnlyLengths: []),
        PhoneRegion(
            id: "TH", countryCode: 66, internationalPrefixes: ["00[1-9]"], nationalPrefixes: ["0"],
            keepsNationalPrefix: [],
            shapes: [
                NumberShape("001800", 13), NumberShape("[2-57]", 8), NumberShape("[689]", 9), NumberShape("1", 8...10),
            ],
            possibleLengths: [8, 9, 10, 13], localOnlyLengths: []),
        PhoneRegion(
            id: "MY", countryCode: 60, internationalPrefixes: ["00"], nationalPrefixes: ["0"],
            keepsNationalPrefix: [],
            shapes: [NumberShape("1", 9...10), NumberShape("3", 9), NumberShape("[4-9]", 8)],
            possibleLengths: [8, 9, 10], localOnlyLengths: [6, 7]),
        PhoneRegion(
            id: "ID", countryCode: 62, internationalPrefixes: ["00[89]"], nationalPrefixes: ["0"],
            keepsNationalPrefix: [],
            shapes: [
                NumberShape("00[1-9]", 12...17), NumberShape("[1-36]", 7), NumberShape("8", 12), NumberShape("00", 11),
                NumberShape("[1-9]", 9...11), NumberShape("[2-9]", 8),
            ],
            possibleLengths: LengthSet(7...17), localOnlyLengths: [5, 6]),
    ]
}

extension DigitPattern: ExpressibleByStringLiteral {
    init(stringLiteral notation: String) { self.init(notation) }
}
