extension Timestamp {
    /// Writes the RFC 3339 form (as `description`) without building a `String`.
    package func write(into out: inout [UInt8]) {
        var seconds = microseconds / 1_000_000
        var micros = microseconds % 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = CivilDate.fromDays(days)
        func digits(_ value: Int64, _ width: Int) {
            var buffer: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
            var v = value
            withUnsafeMutableBytes(of: &buffer) { raw in
                for i in stride(from: width - 1, through: 0, by: -1) {
                    raw[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                }
                out.append(contentsOf: raw.prefix(width))
            }
        }
        if y < 0 || y > 9999 {
            out.append(contentsOf: String(y).utf8)
        } else {
            digits(y, 4)
        }
        out.append(UInt8(ascii: "-"))
        digits(m, 2)
        out.append(UInt8(ascii: "-"))
        digits(d, 2)
        out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        if micros != 0 {
            out.append(UInt8(ascii: "."))
            if micros % 1000 == 0 { digits(micros / 1000, 3) } else { digits(micros, 6) }
        }
        out.append(UInt8(ascii: "Z"))
    }
}
