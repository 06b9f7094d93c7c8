/// Every country calling code and the regions that share them, for numbers outside `PhoneRegion.table`.
///
/// Taken from libphonenumber's `COUNTRY_CODE_TO_REGION_CODE`. A calling code found here but without
/// detailed rules is still recognised after `+` or an international prefix, so `+380 44 123 4567`
/// gets an E.164 form and a region; only its length check is approximate (see `PhoneParser`).
enum PhoneCallingCodes {
    /// Calling code → main region (`001` marks non-geographic codes such as +800).
    static let mainRegion: [Int: String] = [
        1: "US", 7: "RU", 20: "EG", 27: "ZA", 30: "GR", 31: "NL", 32: "BE", 33: "FR", 34: "ES", 36: "HU", 39: "IT",
        40: "RO", 41: "CH", 43: "AT", 44: "GB", 45: "DK", 46: "SE", 47: "NO", 48: "PL", 49: "DE", 51: "PE", 52: "MX",
        53: "CU", 54: "AR", 55: "BR", 56: "CL", 57: "CO", 58: "VE", 60: "MY", 61: "AU", 62: "ID", 63: "PH", 64: "NZ",
        65: "SG", 66: "TH", 81: "JP", 82: "KR", 84: "VN", 86: "CN", 90: "TR", 91: "IN", 92: "PK", 93: "AF", 94: "LK",
        95: "MM", 98: "IR", 211: "SS", 212: "MA", 213: "DZ", 216: "TN", 218: "LY", 220: "GM", 221: "SN", 222: "MR",
        223: "ML", 224: "GN", 225: "CI", 226: "BF", 227: "NE", 228: "TG", 229: "BJ", 230: "MU", 231: "LR", 232: "SL",
        233: "GH", 234: "NG", 235: "TD", 236: "CF", 237: "CM", 238: "CV", 239: "ST", 240: "GQ", 241: "GA", 242: "CG",
        243: "CD", 244: "AO", 245: "GW", 246: "IO", 247: "AC", 248: "SC", 249: "SD", 250: "RW", 251: "ET", 252: "SO",
        253: "DJ", 254: "KE", 255: "TZ", 256: "UG", 257: "BI", 258: "MZ", 260: "ZM", 261: "MG", 262: "RE", 263: "ZW",
        264: "NA", 265: "MW", 266: "LS", 267: "BW", 268: "SZ", 269: "KM", 290: "SH", 291: "ER", 297: "AW", 298: "FO",
        299: "GL", 350: "GI", 351: "PT", 352: "LU", 353: "IE", 354: "IS", 355: "AL", 356: "MT", 357: "CY", 358: "FI",
        359: "BG", 370: "LT", 371: "LV", 372: "EE", 373: "MD", 374: "AM", 375: "BY", 376: "AD", 377: "MC", 378: "SM",
        380: "UA", 381: "RS", 382: "ME", 383: "XK", 385: "HR", 386: "SI", 387: "BA", 389: "MK", 420: "CZ", 421: "SK",
        423: "LI", 500: "FK", 501: "BZ", 502: "GT", 503: "SV", 504: "HN", 505: "NI", 506: "CR", 507: "PA", 508: "PM",
        509: "HT", 590: "GP", 591: "BO", 592: "GY", 593: "EC", 594: "GF", 595: "PY", 596: "MQ", 597: "SR", 598: "UY",
        599: "CW", 670: "TL", 672: "NF", 673: "BN", 674: "NR", 675: "PG", 676: "TO", 677: "SB", 678: "VU", 679: "FJ",
        680: "PW", 681: "WF", 682: "CK", 683: "NU", 685: "WS", 686: "KI", 687: "NC", 688: "TV", 689: "PF", 690: "TK",
        691: "FM", 692: "MH", 800: "001", 808: "001", 850: "KP", 852: "HK", 853: "MO", 855: "KH", 856: "LA",
        870: "001", 878: "001", 880: "BD", 881: "001", 882: "001", 883: "001", 886: "TW", 888: "001", 960: "MV",
        961: "LB", 962: "JO", 963: "SY", 964: "IQ", 965: "KW", 966: "SA", 967: "YE", 968: "OM", 970: "PS", 971: "AE",
        972: "IL", 973: "BH", 974: "QA", 975: "BT", 976: "MN", 977: "NP", 979: "001", 992: "TJ", 993: "TM",
        994: "AZ", 995: "GE", 996: "KG", 998: "UZ",
    ]

    /// Regions that share a calling code with a main region, so they can be a source's default region.
    static let sharedRegions: [String: Int] = [
        "AG": 1, "AI": 1, "AS": 1, "AX": 358, "BB": 1, "BL": 590, "BM": 1, "BQ": 599, "BS": 1, "CA": 1, "CC": 61,
        "CX": 61, "DM": 1, "DO": 1, "EH": 212, "GD": 1, "GG": 44, "GU": 1, "IM": 44, "JE": 44, "JM": 1, "KN": 1,
        "KY": 1, "KZ": 7, "LC": 1, "MF": 590, "MP": 1, "MS": 1, "PR": 1, "SJ": 47, "SX": 1, "TA": 290, "TC": 1,
        "TT": 1, "VA": 39, "VC": 1, "VG": 1, "VI": 1, "YT": 262,
    ]

    /// The calling code of a region code, or `nil` when the region is unknown.
    static func countryCode(forRegion region: String) -> Int? {
        if let detailed = PhoneRegion.table[region] { return detailed.countryCode }
        if let shared = sharedRegions[region] { return shared }
        return regionCodes[region]
    }

    private static let regionCodes: [String: Int] = {
        var codes: [String: Int] = [:]
        for (code, region) in mainRegion where region != "001" { codes[region] = code }
        return codes
    }()

    /// The region of a +1 number from its area code.
    ///
    /// libphonenumber decides this by validating the number against every NANP member's patterns;
    /// we keep only the area codes of Canada and the Caribbean members and call the rest `US`. Area
    /// codes and exchanges must start with 2–9, otherwise the number belongs to no region.
    static func nanpRegion(_ nationalNumber: ArraySlice<UInt8>) -> String? {
        guard nationalNumber.count == 10 else { return nil }
        let digits = Array(nationalNumber)
        guard digits[0] >= 2, digits[3] >= 2 else { return nil }
        let areaCode = Int(digits[0]) * 100 + Int(digits[1]) * 10 + Int(digits[2])
        return nanpAreaCodes[areaCode] ?? "US"
    }

    /// Area codes of NANP members other than the US (Canada from libphonenumber's CA metadata, the
    /// others from each member's `leading_digits`).
    private static let nanpAreaCodes: [Int: String] = [
        204: "CA", 226: "CA", 236: "CA", 249: "CA", 250: "CA", 257: "CA", 263: "CA", 273: "CA", 289: "CA", 306: "CA",
        343: "CA", 354: "CA", 365: "CA", 367: "CA", 368: "CA", 382: "CA", 403: "CA", 416: "CA", 418: "CA", 428: "CA",
        431: "CA", 437: "CA", 438: "CA", 450: "CA", 468: "CA", 474: "CA", 506: "CA", 514: "CA", 519: "CA", 548: "CA",
        579: "CA", 581: "CA", 584: "CA", 587: "CA", 600: "CA", 604: "CA", 613: "CA", 622: "CA", 633: "CA", 639: "CA",
        647: "CA", 672: "CA", 683: "CA", 705: "CA", 709: "CA", 742: "CA", 753: "CA", 778: "CA", 780: "CA", 782: "CA",
        807: "CA", 819: "CA", 825: "CA", 867: "CA", 873: "CA", 879: "CA", 902: "CA", 905: "CA", 942: "CA",
        242: "BS", 246: "BB", 264: "AI", 268: "AG", 284: "VG", 340: "VI", 345: "KY", 441: "BM", 473: "GD", 649: "TC",
        658: "JM", 664: "MS", 670: "MP", 671: "GU", 684: "AS", 721: "SX", 758: "LC", 767: "DM", 784: "VC", 787: "PR",
        809: "DO", 829: "DO", 849: "DO", 868: "TT", 869: "KN", 876: "JM", 939: "PR",
    ]
}
