import CallGateTestSupport
import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// One line of `Tests/Fixtures/phone/numbers.tsv`.
private struct PhoneRow: Sendable, CustomStringConvertible {
    var line: Int
    var raw: String
    var region: String
    /// What libphonenumber is given instead of `raw` (the number behind a 184/186 prefix).
    var oracleRaw: String?
    var note: String

    var description: String { "numbers.tsv:\(line) \(raw.debugDescription) [\(region)] \(note)" }

    static func load() throws -> [PhoneRow] {
        let text = try String(contentsOf: PackageRoot.fixture("phone/numbers.tsv"), encoding: .utf8)
        var rows: [PhoneRow] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index == 0 || line.isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 4, "numbers.tsv:\(index + 1) needs 4 tab-separated fields")
            guard fields.count == 4 else { continue }
            rows.append(
                PhoneRow(
                    line: index + 1, raw: fields[0], region: fields[1],
                    oracleRaw: fields[2].isEmpty ? nil : fields[2], note: fields[3]))
        }
        return rows
    }
}

/// libphonenumber's verdict on one input, as `phone_oracle.py` reports it.
private struct OracleVerdict: Decodable {
    var e164: String?
    var possible: Bool
    var region: String?
    /// `shortnumberinfo.is_valid_short_number_for_region`: a service number such as `95588` in CN.
    var shortValid: Bool

    enum CodingKeys: String, CodingKey {
        case e164, possible, region
        case shortValid = "short_valid"
    }

    /// Runs `phone_oracle.py` over (raw, region) pairs, one verdict per pair.
    static func judge(_ inputs: [(raw: String, region: String)]) throws -> [OracleVerdict] {
        var input = Data()
        for item in inputs {
            input.append(try JSONSerialization.data(withJSONObject: ["raw": item.raw, "region": item.region]))
            input.append(0x0A)
        }
        let result = try PythonOracle.script("phone_oracle.py", stdin: input)
        try #require(result.status == 0, "phone_oracle.py failed: \(result.stderr)")
        let verdicts = try String(decoding: result.stdout, as: UTF8.self)
            .split(separator: "\n")
            .map { try JSONDecoder().decode(OracleVerdict.self, from: Data($0.utf8)) }
        try #require(verdicts.count == inputs.count, "one verdict per input")
        return verdicts
    }
}

@Suite struct PhoneNormalizerOracleTests {
    @Test(.enabled(if: PythonOracle.shouldRun("phonenumbers")))
    func tableAgreesWithLibphonenumber() throws {
        let rows = try PhoneRow.load()
        #expect(rows.count >= 60)

        let verdicts = try OracleVerdict.judge(rows.map { ($0.oracleRaw ?? $0.raw, $0.region) })

        for (row, verdict) in zip(rows, verdicts) {
            let ours = PhoneNormalizer.normalize(row.raw, defaultRegion: row.region)
            #expect(ours.e164 == verdict.e164, "e164 of \(row)")
            #expect(ours.valid == verdict.possible, "valid of \(row)")
            if verdict.e164 != nil {
                #expect(ours.region == verdict.region, "region of \(row)")
            }
            #expect(ours.raw == row.raw, "raw of \(row)")
            // A bare digit run is an extension exactly when libphonenumber knows no short number by it.
            if ours.presentation == .allowed, row.raw.count <= 6,
                row.raw.utf8.allSatisfy({ (0x30...0x39).contains($0) })
            {
                #expect((ours.extension == nil) == verdict.shortValid, "extension of \(row)")
            }
        }
    }

    /// Every digit run of one to four digits, and a spread of five- and six-digit ones, in each
    /// region that carries short-number data: an extension exactly when libphonenumber's
    /// `is_valid_short_number_for_region` says it is no short number, and the same `e164` otherwise.
    @Test(.enabled(if: PythonOracle.shouldRun("phonenumbers")), arguments: ["CN", "JP", "US"])
    func shortNumbersAgreeWithLibphonenumber(region: String) throws {
        var raws: [String] = []
        for value in 1...9_999 { raws.append(String(value)) }
        for value in stride(from: 10_000, through: 99_999, by: 7) { raws.append(String(value)) }
        for value in stride(from: 100_000, through: 999_999, by: 97) { raws.append(String(value)) }
        raws += ["95588", "95555", "96000", "10086", "10000", "12315", "12345", "10655", "951234", "961234"]
        let verdicts = try OracleVerdict.judge(raws.map { ($0, region) })
        var shortNumbers = 0
        for (raw, verdict) in zip(raws, verdicts) {
            let ours = PhoneNormalizer.normalize(raw, defaultRegion: region)
            guard ours.presentation == .allowed else { continue }  // `184` in JP: withheld
            if verdict.shortValid { shortNumbers += 1 }
            #expect((ours.extension == nil) == verdict.shortValid, "\(raw) in \(region)")
            if verdict.shortValid {
                #expect(ours.e164 == verdict.e164, "e164 of \(raw) in \(region)")
                #expect(ours.valid == verdict.possible, "valid of \(raw) in \(region)")
            }
        }
        #expect(shortNumbers > 0, "\(region) has short numbers")
    }
}

@Suite struct PhoneNormalizerTests {
    @Test(arguments: [
        ("anonymous", PhonePresentation.restricted), ("Anonymous", .restricted), ("private", .restricted),
        ("restricted", .restricted), ("非通知", .restricted), ("ユーザ非通知", .restricted),
        ("公衆電話", .payphone), ("payphone", .payphone),
        ("unknown", .unavailable), ("unavailable", .unavailable), ("通知不可能", .unavailable),
        ("表示圏外", .unavailable),
    ])
    func withheldMarkers(marker: String, presentation: PhonePresentation) {
        let number = PhoneNormalizer.normalize(marker, defaultRegion: "JP")
        #expect(number.presentation == presentation)
        #expect(number.raw == marker)
        #expect(number.e164 == nil)
        #expect(number.region == nil)
        #expect(!number.valid)
    }

    @Test(arguments: ["", "   ", "\u{3000}"])
    func emptyIsUnavailableWithoutRaw(raw: String) {
        let number = PhoneNormalizer.normalize(raw, defaultRegion: "JP")
        #expect(number.raw == nil)
        #expect(number.presentation == .unavailable)
        #expect(number.e164 == nil)
        #expect(!number.valid)
    }

    @Test func prefix184WithholdsAndKeepsTheNumber() {
        let number = PhoneNormalizer.normalize("184-03-1234-5678", defaultRegion: "JP")
        #expect(number.presentation == .restricted)
        #expect(number.e164 == "+81312345678")
        #expect(number.region == "JP")
        #expect(number.valid)
        #expect(number.raw == "184-03-1234-5678")

        let compact = PhoneNormalizer.normalize("18409012345678", defaultRegion: "JP")
        #expect(compact.presentation == .restricted)
        #expect(compact.e164 == "+819012345678")
    }

    @Test func prefix186PresentsTheNumber() {
        let number = PhoneNormalizer.normalize("186-090-1234-5678", defaultRegion: "JP")
        #expect(number.presentation == .allowed)
        #expect(number.e164 == "+819012345678")
    }

    @Test func lone184IsWithheldInJapanOnly() {
        let japan = PhoneNormalizer.normalize("184", defaultRegion: "JP")
        #expect(japan.presentation == .restricted)
        #expect(japan.e164 == nil)
        #expect(japan.extension == nil)

        let china = PhoneNormalizer.normalize("184", defaultRegion: "CN")
        #expect(china.presentation == .allowed)
        #expect(china.extension == "184")
    }

    @Test func caller186PrefixNeedsANumberAfterIt() {
        // `0 34 5123` is no number, so `1860…` is read whole (as libphonenumber reads it).
        let number = PhoneNormalizer.normalize("1860 34 5123", defaultRegion: "JP")
        #expect(number.presentation == .allowed)
        #expect(number.e164 == "+811860345123")
    }

    @Test func prefixesAreJapaneseOnly() {
        let number = PhoneNormalizer.normalize("1-847-555-0123", defaultRegion: "US")
        #expect(number.presentation == .allowed)
        #expect(number.e164 == "+18475550123")
    }

    @Test(arguments: [
        "03-1234-5678 ext. 123", "03-1234-5678 x123", "03-1234-5678#123", "03-1234-5678 内線123",
        "03-1234-5678 内線 123", "03-1234-5678（内線123）", "０３－１２３４－５６７８ 内線１２３",
    ])
    func extensionIsSplitOff(raw: String) {
        let number = PhoneNormalizer.normalize(raw, defaultRegion: "JP")
        #expect(number.extension == "123")
        #expect(number.e164 == "+81312345678")
        #expect(number.valid)
        #expect(number.raw == raw)
    }

    @Test(arguments: [("201", "201"), ("1001", "1001"), ("123456", "123456"), ("２０１", "201"), ("内線 35", "35")])
    func shortInternalExtensionIsNotANumber(raw: String, digits: String) {
        for region in ["JP", "CN", "US"] {
            let number = PhoneNormalizer.normalize(raw, defaultRegion: region)
            #expect(number.e164 == nil, "\(raw) in \(region)")
            #expect(!number.valid)
            #expect(number.region == nil)
            #expect(number.extension == digits)
            #expect(number.presentation == .allowed)
            #expect(number.raw == raw)
        }
    }

    @Test(arguments: ["0120", "1234567", "+201"])
    func longerOrPrefixedDigitsAreNotShortExtensions(raw: String) {
        #expect(PhoneNormalizer.normalize(raw, defaultRegion: "JP").extension == nil)
    }

    @Test(arguments: ["０３－１２３４－５６７８", " 03-1234-5678 ", "（０３）１２３４ー５６７８", "＋８１　３　１２３４　５６７８"])
    func rawIsKeptVerbatim(raw: String) {
        let number = PhoneNormalizer.normalize(raw, defaultRegion: "JP")
        #expect(number.raw == raw)
        #expect(number.e164 == "+81312345678")
    }

    @Test func nanpRegionFollowsTheAreaCode() {
        #expect(PhoneNormalizer.normalize("+1 416 555 0123", defaultRegion: "JP").region == "CA")
        #expect(PhoneNormalizer.normalize("+1 212 555 0123", defaultRegion: "JP").region == "US")
        #expect(PhoneNormalizer.normalize("+1 876 555 0123", defaultRegion: "JP").region == "JM")
    }

    @Test func callingCodeOutsideTheDetailedTableIsRecognised() {
        let number = PhoneNormalizer.normalize("+380 44 123 4567", defaultRegion: "JP")
        #expect(number.e164 == "+380441234567")
        #expect(number.region == "UA")
    }

    @Test func unknownDefaultRegionNeedsAPlus() {
        #expect(PhoneNormalizer.normalize("03-1234-5678", defaultRegion: "ZZ").e164 == nil)
        #expect(PhoneNormalizer.normalize("+81 3 1234 5678", defaultRegion: "ZZ").e164 == "+81312345678")
    }
}
