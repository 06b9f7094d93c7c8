/// Dialling rules of one region, reduced to what parsing a number needs (Docs/call-record.md,
/// "Phone numbers").
///
/// The values are derived from Google's libphonenumber metadata, which `Tests/Support/phone_oracle.py`
/// checks us against. Only the general shape of a region's numbers is kept (leading digits and
/// lengths), not the per-type patterns: that is enough to decide the questions parsing asks (is this
/// a country code or part of the number, is that `0` a trunk prefix) and to tell possible lengths.
///
/// A final class rather than a struct: the tables are shared and immutable, and passing a reference
/// avoids retaining seven arrays every time a number is read.
final class PhoneRegion: Sendable {
    /// ISO 3166-1 alpha-2 code (`JP`).
    let id: String
    let countryCode: Int
    /// Prefixes dialled to leave the country (`010` in JP, `00` in CN), tried in order.
    let internationalPrefixes: [DigitPattern]
    /// Trunk and carrier prefixes dropped from national numbers (`0`, CN carrier codes), tried in order.
    let nationalPrefixes: [DigitPattern]
    /// Numbers that keep their leading digits although a national prefix matches (JP `0002…`).
    let keepsNationalPrefix: [NumberShape]
    /// The shapes a national significant number of this region can have.
    let shapes: [NumberShape]
    /// Lengths of a national significant number dialled from anywhere.
    let possibleLengths: LengthSet
    /// Lengths only dialable inside an area (subscriber number without area code).
    let localOnlyLengths: LengthSet

    init(
        id: String, countryCode: Int, internationalPrefixes: [DigitPattern], nationalPrefixes: [DigitPattern],
        keepsNationalPrefix: [NumberShape], shapes: [NumberShape], possibleLengths: LengthSet,
        localOnlyLengths: LengthSet
    ) {
        self.id = id
        self.countryCode = countryCode
        self.internationalPrefixes = internationalPrefixes
        self.nationalPrefixes = nationalPrefixes
        self.keepsNationalPrefix = keepsNationalPrefix
        self.shapes = shapes
        self.possibleLengths = possibleLengths
        self.localOnlyLengths = localOnlyLengths
    }

    /// Whether `digits` has the general shape of a national significant number here.
    func hasShape(_ digits: ArraySlice<UInt8>) -> Bool {
        shapes.contains { $0.matches(digits) }
    }

    /// How `digits` compares to the possible lengths of the region.
    func lengthCheck(_ digits: ArraySlice<UInt8>) -> LengthCheck {
        let length = digits.count
        if localOnlyLengths.contains(length) { return .localOnly }
        guard let minimum = possibleLengths.minimum, let maximum = possibleLengths.maximum else {
            return .invalidLength
        }
        if length < minimum { return .tooShort }
        if length > maximum { return .tooLong }
        return possibleLengths.contains(length) ? .possible : .invalidLength
    }

    /// Drops a trunk or carrier prefix unless that would turn a well-shaped number into a malformed one.
    func strippingNationalPrefix(_ digits: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        if digits.isEmpty || keepsNationalPrefix.contains(where: { $0.matches(digits) }) { return digits }
        guard let prefix = nationalPrefixes.first(where: { $0.isPrefix(of: digits) }) else { return digits }
        let stripped = digits.dropFirst(prefix.count)
        if hasShape(digits) && !hasShape(stripped) { return digits }
        return stripped
    }
}

extension PhoneRegion {
    /// Rules for a source's default region (`JP`, `cn`), or `nil` for an unknown region code.
    static func forDefaultRegion(_ code: String) -> PhoneRegion? {
        if let region = table[code] { return region }
        let id = code.uppercased()
        if let region = table[id] { return region }
        // A region sharing a calling code (CA, GG) dials like the code's main region.
        return PhoneCallingCodes.countryCode(forRegion: id).flatMap(forCountryCode)
    }

    /// Rules for the region owning a calling code: detailed when we have them, generic otherwise.
    static func forCountryCode(_ code: Int) -> PhoneRegion? {
        if let region = byCountryCode[code] { return region }
        guard let id = PhoneCallingCodes.mainRegion[code] else { return nil }
        return generic(countryCode: code, id: id)
    }

    /// Rules for a calling code we know only by number: the common `00` international prefix, no
    /// trunk prefix (a written `0` stays, as in Italy) and E.164's limit of 15 digits in all.
    static func generic(countryCode: Int, id: String) -> PhoneRegion {
        let codeLength = countryCode < 10 ? 1 : countryCode < 100 ? 2 : 3
        return PhoneRegion(
            id: id, countryCode: countryCode, internationalPrefixes: ["00"], nationalPrefixes: [],
            keepsNationalPrefix: [], shapes: [], possibleLengths: LengthSet(4...(15 - codeLength)),
            localOnlyLengths: [])
    }
}

/// Result of comparing a number's length with a region's possible lengths.
enum LengthCheck: Sendable {
    case possible, localOnly, tooShort, tooLong, invalidLength

    /// Whether libphonenumber's `is_possible_number` would accept the number.
    var isPossible: Bool { self == .possible || self == .localOnly }
}

/// A set of number lengths (0–31), stored as bits so checks cost nothing on the hot path.
struct LengthSet: Sendable, ExpressibleByArrayLiteral {
    private let bits: UInt32

    init(_ lengths: some Sequence<Int>) {
        bits = lengths.reduce(0) { $0 | (1 << UInt32($1)) }
    }

    init(arrayLiteral lengths: Int...) { self.init(lengths) }

    func contains(_ length: Int) -> Bool { length >= 0 && length < 32 && bits & (1 << UInt32(length)) != 0 }
    var minimum: Int? { bits == 0 ? nil : bits.trailingZeroBitCount }
    var maximum: Int? { bits == 0 ? nil : 31 - bits.leadingZeroBitCount }
}

/// A fixed-length run of digit classes matched against the start of a number.
///
/// Written in a tiny notation: a digit stands for itself, `x` for any digit and `[1-35]` for a class,
/// so `"1[12]xxx"` is a CN carrier code. The table stays readable without a regular-expression engine.
struct DigitPattern: Sendable {
    /// One bit per allowed digit, one entry per position.
    private let masks: [UInt16]

    init(_ notation: String) {
        var masks: [UInt16] = []
        var scalars = notation.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case "x": masks.append(0x3FF)
            case "[":
                var mask: UInt16 = 0
                var previous: UInt8?
                var range = false
                while let inner = scalars.next(), inner != "]" {
                    if inner == "-" { range = true; continue }
                    let digit = UInt8(inner.value - 0x30)
                    precondition(digit < 10, "bad digit class in \(notation)")
                    let low = range ? (previous ?? digit) : digit
                    for value in low...digit { mask |= 1 << UInt16(value) }
                    previous = digit
                    range = false
                }
                masks.append(mask)
            default:
                let digit = UInt8(truncatingIfNeeded: scalar.value &- 0x30)
                precondition(digit < 10, "bad digit in \(notation)")
                masks.append(1 << UInt16(digit))
            }
        }
        self.masks = masks
    }

    /// Number of digits the pattern covers.
    var count: Int { masks.count }

    func isPrefix(of digits: ArraySlice<UInt8>) -> Bool {
        guard digits.count >= masks.count else { return false }
        var index = digits.startIndex
        for mask in masks {
            if mask & (1 << UInt16(digits[index])) == 0 { return false }
            index += 1
        }
        return true
    }
}

/// Leading digits plus the lengths a whole number starting with them may have.
struct NumberShape: Sendable {
    let prefix: DigitPattern
    let lengths: LengthSet

    init(_ prefix: String, _ lengths: ClosedRange<Int>) {
        self.prefix = DigitPattern(prefix)
        self.lengths = LengthSet(lengths)
    }

    init(_ prefix: String, _ length: Int) {
        self.init(prefix, length...length)
    }

    init(_ prefix: String, _ lengths: [Int]) {
        self.prefix = DigitPattern(prefix)
        self.lengths = LengthSet(lengths)
    }

    func matches(_ digits: ArraySlice<UInt8>) -> Bool {
        lengths.contains(digits.count) && prefix.isPrefix(of: digits)
    }
}
