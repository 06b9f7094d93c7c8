/// A point in time with microsecond precision, always printed as RFC 3339 UTC with `Z`.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }
    public init(seconds: Int64) { self.microseconds = seconds * 1_000_000 }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }

    /// This time moved by `duration` (earlier when negative).
    public func adding(_ duration: Duration) -> Timestamp {
        let c = duration.components
        return Timestamp(microseconds: microseconds + c.seconds * 1_000_000 + c.attoseconds / 1_000_000_000_000)
    }

    /// Seconds from `self` to `other` (negative when `other` is earlier).
    public func seconds(to other: Timestamp) -> Double {
        Double(other.microseconds - microseconds) / 1_000_000
    }

    /// RFC 3339 in UTC: `2024-05-14T02:02:11Z`, with `.mmm` or `.mmmmmm` only when needed.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Conversions between days since the epoch and proleptic Gregorian dates (Howard Hinnant's
/// algorithms), so no calendar object is needed on the hot path.
enum CivilDate {
    static func toDays(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func fromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
