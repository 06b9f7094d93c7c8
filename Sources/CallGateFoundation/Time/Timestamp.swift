/// A point in time with microsecond precision, always printed as RFC 3339 UTC with `Z`.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The first and last instants RFC 3339 can write: 0001-01-01T00:00:00Z and
    /// 9999-12-31T23:59:59.999999Z. Times read from payloads, headers and peers' answers are
    /// refused outside them, and arithmetic on times stays inside them.
    public static let earliest = Timestamp(microseconds: -62_135_596_800_000_000)
    public static let latest = Timestamp(microseconds: 253_402_300_799_999_999)

    /// `seconds` since the epoch, held to `earliest...latest` (for values the gateway made itself;
    /// use `init?(checkedSeconds:)` for values from outside).
    public init(seconds: Int64) {
        self = Timestamp(checkedSeconds: seconds) ?? (seconds < 0 ? .earliest : .latest)
    }

    /// `seconds` since the epoch, or nil when that is outside `earliest...latest`.
    public init?(checkedSeconds seconds: Int64) {
        let (micros, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow, micros >= Self.earliest.microseconds, micros <= Self.latest.microseconds else { return nil }
        self.microseconds = micros
    }

    /// Whether the time is within `earliest...latest`.
    public var isInRange: Bool { self >= .earliest && self <= .latest }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }

    /// This time moved by `duration` (earlier when negative).
    /// The result is held to `earliest...latest`, so no duration, however long, can overflow it.
    public func adding(_ duration: Duration) -> Timestamp {
        let c = duration.components
        let limit = Self.latest.microseconds - Self.earliest.microseconds
        guard c.seconds > -(limit / 1_000_000), c.seconds < limit / 1_000_000 else {
            return c.seconds < 0 ? .earliest : .latest
        }
        let moved = microseconds.addingReportingOverflow(c.seconds * 1_000_000 + c.attoseconds / 1_000_000_000_000)
        guard !moved.overflow else { return c.seconds < 0 ? .earliest : .latest }
        return Timestamp(
            microseconds: min(max(moved.partialValue, Self.earliest.microseconds), Self.latest.microseconds))
    }

    /// Seconds from `self` to `other` (negative when `other` is earlier).
    public func seconds(to other: Timestamp) -> Double {
        (Double(other.microseconds) - Double(microseconds)) / 1_000_000
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
package enum CivilDate {
    package static func toDays(year: Int64, month: Int64, day: Int64) -> Int64 {
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

    package static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
