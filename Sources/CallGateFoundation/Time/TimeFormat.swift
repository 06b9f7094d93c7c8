/// How a vendor writes its times: ISO 8601 with any offset, an explicit pattern such as Udesk's
/// `yyyy-MM-dd HH:mm:ss Z`, or epoch seconds / milliseconds.
public struct TimeFormat: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case iso8601
        case epochSeconds
        case epochMilliseconds
        case pattern([Token])
    }

    enum Token: Sendable, Hashable {
        case year, month, day, hour, minute, second, fraction, offset
        case literal(UInt8)
    }

    let kind: Kind
    public let description: String

    public static let iso8601 = TimeFormat(kind: .iso8601, description: "iso8601")
    public static let epochSeconds = TimeFormat(kind: .epochSeconds, description: "epoch_s")
    public static let epochMilliseconds = TimeFormat(kind: .epochMilliseconds, description: "epoch_ms")

    private init(kind: Kind, description: String) {
        self.kind = kind
        self.description = description
    }

    /// `iso8601`, `epoch_s`, `epoch_ms`, or a pattern of `yyyy MM dd HH mm ss S… Z`/`XXX` and
    /// literal characters (letters in single quotes).
    /// - Throws: a message naming the unsupported pattern letter.
    public init(_ text: String) throws(MessageError) {
        switch text {
        case "iso8601", "rfc3339": self = .iso8601
        case "epoch_s", "epoch", "unix": self = .epochSeconds
        case "epoch_ms", "unix_ms": self = .epochMilliseconds
        default:
            self.init(kind: .pattern(try Self.tokens(text)), description: text)
        }
    }

    static func tokens(_ pattern: String) throws(MessageError) -> [Token] {
        let chars = Array(pattern.utf8)
        var tokens: [Token] = []
        var i = 0
        var seen: Set<String> = []
        while i < chars.count {
            let c = chars[i]
            var run = 1
            while i + run < chars.count, chars[i + run] == c { run += 1 }
            let letter =
                (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            if c == UInt8(ascii: "'") {
                var j = i + 1
                while j < chars.count, chars[j] != UInt8(ascii: "'") {
                    tokens.append(.literal(chars[j]))
                    j += 1
                }
                guard j < chars.count else { throw MessageError("unterminated quote in time pattern '\(pattern)'") }
                i = j + 1
                continue
            }
            guard letter else {
                tokens.append(.literal(c))
                i += 1
                continue
            }
            let field = String(decoding: chars[i..<i + run], as: UTF8.self)
            let token: Token
            switch field {
            case "yyyy", "uuuu": token = .year
            case "MM": token = .month
            case "dd": token = .day
            case "HH": token = .hour
            case "mm": token = .minute
            case "ss": token = .second
            case "Z", "ZZ", "ZZZ", "ZZZZZ", "X", "XX", "XXX", "x", "xx", "xxx": token = .offset
            default:
                if field.allSatisfy({ $0 == "S" }) {
                    token = .fraction
                } else {
                    throw MessageError(
                        "unsupported field '\(field)' in time pattern '\(pattern)' (use yyyy MM dd HH mm ss S Z XXX)")
                }
            }
            guard seen.insert("\(token)").inserted else {
                throw MessageError("field '\(field)' appears twice in time pattern '\(pattern)'")
            }
            tokens.append(token)
            i += run
        }
        guard seen.contains("year"), seen.contains("month"), seen.contains("day") else {
            throw MessageError("time pattern '\(pattern)' needs at least yyyy, MM and dd")
        }
        return tokens
    }

    /// Parses a value. Offset-less times are read in `zone`; without one they are an error, never
    /// silently taken as UTC.
    public func parse(_ value: JSONValue, zone: TimeZoneSpec?) throws(MessageError) -> Timestamp {
        switch kind {
        case .epochSeconds, .epochMilliseconds:
            let scale: Double = kind == .epochSeconds ? 1_000_000 : 1_000
            let number: Double
            switch value {
            case .int(let i): number = Double(i)
            case .double(let d): number = d
            case .string(let s):
                guard let d = Double(s.trimmingASCIISpaces()) else {
                    throw MessageError(
                        "'\(s)' is not a number of \(kind == .epochSeconds ? "seconds" : "milliseconds")")
                }
                number = d
            default: throw MessageError("expected an epoch \(description) number, got \(value.kindName)")
            }
            let micros = (number * scale).rounded()
            guard micros.isFinite, micros >= Double(Timestamp.earliest.microseconds),
                micros <= Double(Timestamp.latest.microseconds)
            else { throw MessageError("epoch time out of range (years 1 to 9999)") }
            return Timestamp(microseconds: Int64(micros))
        case .iso8601:
            guard case .string(let s) = value else {
                throw MessageError("expected an ISO 8601 time string, got \(value.kindName)")
            }
            return try TimeScanner.parseISO8601(s, zone: zone)
        case .pattern(let tokens):
            guard case .string(let s) = value else {
                throw MessageError("expected a time string in the form '\(description)', got \(value.kindName)")
            }
            return try TimeScanner.parse(s, tokens: tokens, pattern: description, zone: zone)
        }
    }
}

extension String {
    package func trimmingASCIISpaces() -> String {
        var scalars = Substring(self)
        while let f = scalars.first, f == " " || f == "\t" || f == "\n" || f == "\r" { scalars.removeFirst() }
        while let l = scalars.last, l == " " || l == "\t" || l == "\n" || l == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}
