/// Reads the parts of a time string byte by byte.
struct TimeScanner {
    let bytes: [UInt8]
    var i = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    var atEnd: Bool { i >= bytes.count }

    mutating func digits(_ count: Int) -> Int64? {
        guard i + count <= bytes.count else { return nil }
        var value: Int64 = 0
        for k in 0..<count {
            let b = bytes[i + k]
            guard b >= 0x30 && b <= 0x39 else { return nil }
            value = value * 10 + Int64(b - 0x30)
        }
        i += count
        return value
    }

    mutating func consume(_ c: UInt8) -> Bool {
        guard i < bytes.count, bytes[i] == c else { return false }
        i += 1
        return true
    }

    /// A fraction of a second after the separator, as microseconds (digits past six are dropped).
    mutating func fraction() -> Int64? {
        var micros: Int64 = 0
        var n = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            if n < 6 { micros = micros * 10 + Int64(bytes[i] - 0x30) }
            n += 1
            i += 1
        }
        guard n > 0 else { return nil }
        for _ in n..<max(n, 6) { micros *= 10 }
        return micros
    }

    /// `Z`, `±HH:MM`, `±HHMM` or `±HH`, in seconds east of UTC.
    mutating func offset() -> Int? {
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "Z") || bytes[i] == UInt8(ascii: "z") {
            i += 1
            return 0
        }
        let sign: Int
        switch bytes[i] {
        case UInt8(ascii: "+"): sign = 1
        case UInt8(ascii: "-"): sign = -1
        default: return nil
        }
        i += 1
        guard let hours = digits(2), hours <= 23 else { return nil }
        var minutes: Int64 = 0
        if consume(UInt8(ascii: ":")) {
            guard let m = digits(2) else { return nil }
            minutes = m
        } else if let m = digits(2) {
            minutes = m
        }
        guard minutes <= 59 else { return nil }
        return sign * Int(hours * 3600 + minutes * 60)
    }

    static func parseISO8601(_ text: String, zone: TimeZoneSpec?) throws(MessageError) -> Timestamp {
        var s = TimeScanner(text.trimmingASCIISpaces())
        func bad() -> MessageError { MessageError("'\(text)' is not an ISO 8601 time") }
        guard let year = s.digits(4), s.consume(UInt8(ascii: "-")), let month = s.digits(2),
            s.consume(UInt8(ascii: "-")), let day = s.digits(2)
        else { throw bad() }
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var micros: Int64 = 0
        if !s.atEnd {
            guard s.consume(UInt8(ascii: "T")) || s.consume(UInt8(ascii: "t")) || s.consume(UInt8(ascii: " ")),
                let h = s.digits(2), s.consume(UInt8(ascii: ":")), let m = s.digits(2)
            else { throw bad() }
            hour = h
            minute = m
            if s.consume(UInt8(ascii: ":")) {
                guard let sec = s.digits(2) else { throw bad() }
                second = sec
                if s.consume(UInt8(ascii: ".")) || s.consume(UInt8(ascii: ",")) {
                    guard let f = s.fraction() else { throw bad() }
                    micros = f
                }
            }
        }
        var offset: Int?
        if !s.atEnd {
            guard let o = s.offset(), s.atEnd else { throw bad() }
            offset = o
        }
        return try assemble(
            text: text, year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            micros: micros, offset: offset, zone: zone)
    }

    static func parse(_ text: String, tokens: [TimeFormat.Token], pattern: String, zone: TimeZoneSpec?)
        throws(MessageError) -> Timestamp
    {
        var s = TimeScanner(text)
        var year: Int64 = 0
        var month: Int64 = 1
        var day: Int64 = 1
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var micros: Int64 = 0
        var offset: Int?
        func bad() -> MessageError { MessageError("'\(text)' does not match the time pattern '\(pattern)'") }
        for (index, token) in tokens.enumerated() {
            // A time that simply stops before a trailing offset (`2024-05-14 10:02:11` for
            // `yyyy-MM-dd HH:mm:ss Z`) is read in the default zone, like an offset-less ISO time.
            if s.atEnd, tokens[index...].contains(.offset),
                tokens[index...].allSatisfy({ $0 == .offset || $0 == .literal(UInt8(ascii: " ")) })
            {
                break
            }
            switch token {
            case .year: guard let v = s.digits(4) else { throw bad() }; year = v
            case .month: guard let v = s.digits(2) else { throw bad() }; month = v
            case .day: guard let v = s.digits(2) else { throw bad() }; day = v
            case .hour: guard let v = s.digits(2) else { throw bad() }; hour = v
            case .minute: guard let v = s.digits(2) else { throw bad() }; minute = v
            case .second: guard let v = s.digits(2) else { throw bad() }; second = v
            case .fraction: guard let v = s.fraction() else { throw bad() }; micros = v
            case .offset: guard let v = s.offset() else { throw bad() }; offset = v
            case .literal(let c): guard s.consume(c) else { throw bad() }
            }
        }
        guard s.atEnd else { throw bad() }
        return try assemble(
            text: text, year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            micros: micros, offset: offset, zone: zone)
    }

    static func assemble(
        text: String, year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64,
        micros: Int64, offset: Int?, zone: TimeZoneSpec?
    ) throws(MessageError) -> Timestamp {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 60
        else { throw MessageError("'\(text)' is not a valid date and time") }
        // A leap second is read as the last second of its minute.
        let days = CivilDate.toDays(year: year, month: month, day: day)
        let local = ((days * 86_400 + hour * 3600 + minute * 60 + min(second, 59)) * 1_000_000) + micros
        if let offset { return Timestamp(microseconds: local - Int64(offset) * 1_000_000) }
        guard let zone else {
            throw MessageError("'\(text)' has no UTC offset and the mapping sets no default time zone")
        }
        return Timestamp(microseconds: zone.instant(fromLocal: local))
    }
}
