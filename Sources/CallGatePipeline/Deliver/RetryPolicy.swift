import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// What happens after a delivery attempt (Docs/delivery.md, "Retries"): delivered, tried again
/// later, or dead.
public struct RetryPolicy: Sendable, Equatable {
    /// The wait before each retry: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h
    /// (the first attempt is made as soon as the event is stored).
    public static let defaultSchedule: [Duration] = [
        .zero, .seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18_000), .seconds(36_000),
        .seconds(50_400), .seconds(72_000), .seconds(86_400),
    ]

    public var schedule: [Duration]
    /// The longest `Retry-After` honoured.
    public var maxRetryAfter: Duration
    /// Each wait is spread by up to this fraction either way, so retries of many rows do not
    /// arrive together.
    public var jitter: Double

    public init(schedule: [Duration] = defaultSchedule, maxRetryAfter: Duration = .seconds(3600), jitter: Double = 0.1)
    {
        self.schedule = schedule
        self.maxRetryAfter = maxRetryAfter
        self.jitter = jitter
    }

    /// What an attempt produced.
    public enum Outcome: Sendable, Equatable {
        /// A response with this status and `Retry-After` header, if any.
        case response(status: Int, retryAfter: String?)
        /// No response: connection refused, reset, timed out.
        case failure(String)
    }

    /// The consequence of an outcome, before timing.
    public enum Verdict: Sendable, Equatable {
        case delivered
        case retry
        /// Dead at once; `disablesSink` for 410 Gone.
        case dead(disablesSink: Bool)
    }

    /// 2xx delivered; connection errors, timeouts, 408, 425, 429, 5xx and 3xx (redirects are not
    /// followed) retried; 410 dead with the sink disabled; any other 4xx dead at once.
    public static func verdict(_ outcome: Outcome) -> Verdict {
        switch outcome {
        case .failure: return .retry
        case .response(let status, _):
            switch status {
            case 200...299: return .delivered
            case 410: return .dead(disablesSink: true)
            case 408, 425, 429, 500...599, 300...399: return .retry
            default: return .dead(disablesSink: false)
            }
        }
    }

    /// The result of attempt number `attempt` (1 for the first), made at `now`.
    public func result(
        of outcome: Outcome, attempt: Int, now: Timestamp, random: Double = Double.random(in: 0..<1)
    ) -> DeliveryDecision {
        switch Self.verdict(outcome) {
        case .delivered: return .delivered
        case .dead(let disables): return .dead(disablesSink: disables, exhausted: false)
        case .retry:
            // Attempt n failed: the wait before retry n is schedule[n]; schedule[0] is the first
            // attempt's own (immediate) slot.
            guard attempt < schedule.count else { return .dead(disablesSink: false, exhausted: true) }
            var wait = schedule[attempt]
            if wait > .zero, jitter > 0 {
                wait = wait * (1 + jitter * (2 * random - 1))
            }
            if case .response(_, let header?) = outcome, let asked = Self.retryAfter(header, now: now) {
                let clamped = min(asked, maxRetryAfter)
                if clamped > wait { wait = clamped }
            }
            return .retry(at: now.adding(wait))
        }
    }

    /// `Retry-After` as a wait: delay-seconds or an HTTP date (RFC 9110 §10.2.3); nil when
    /// unreadable. A date in the past is no wait.
    public static func retryAfter(_ header: String, now: Timestamp) -> Duration? {
        let text = header.trimmingWhitespace()
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard let seconds = Int64(text) else { return .seconds(Int64.max / 1_000_000_000) }
            return .seconds(seconds)
        }
        guard let date = Timestamp(httpDate: text) else { return nil }
        let micros = date.microseconds - now.microseconds
        return micros > 0 ? .microseconds(micros) : .zero
    }
}

/// What a delivery row becomes after an attempt.
public enum DeliveryDecision: Sendable, Equatable {
    case delivered
    case retry(at: Timestamp)
    case dead(disablesSink: Bool, exhausted: Bool)
}

extension Timestamp {
    /// An HTTP date (RFC 9110 §5.6.7): the preferred IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`,
    /// or the obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
    /// (`Sun Nov  6 08:49:37 1994`) forms.
    public init?(httpDate text: String) {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int64?
        var month: Int64?
        var year: Int64?
        var clock: [Int64]?
        if parts.count == 4, parts[3] == "GMT" {
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            let dmy = parts[1].split(separator: "-")
            guard dmy.count == 3 else { return nil }
            day = Int64(dmy[0])
            month = months.firstIndex(of: String(dmy[1])).map { Int64($0 + 1) }
            year = Int64(dmy[2]).map { $0 < 70 ? 2000 + $0 : ($0 < 100 ? 1900 + $0 : $0) }
            clock = Self.clock(parts[2])
        } else if parts.count == 6, parts[5] == "GMT" {
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            day = Int64(parts[1])
            month = months.firstIndex(of: parts[2]).map { Int64($0 + 1) }
            year = Int64(parts[3])
            clock = Self.clock(parts[4])
        } else if parts.count == 5 {
            // asctime: Sun Nov  6 08:49:37 1994
            month = months.firstIndex(of: parts[1]).map { Int64($0 + 1) }
            day = Int64(parts[2])
            clock = Self.clock(parts[3])
            year = Int64(parts[4])
        }
        // Years outside 1...9999 are refused before any arithmetic: a peer's header is never
        // trusted to be sane (`Sun, 06 Nov 300000 08:49:37 GMT`).
        guard let day, let month, let year, let clock, (1...9999).contains(year), (1...31).contains(day),
            day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        let days = CivilDate.toDays(year: year, month: month, day: day)
        self.init(seconds: days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    private static func clock(_ text: String) -> [Int64]? {
        let parts = text.split(separator: ":").compactMap { Int64($0) }
        guard parts.count == 3, parts.allSatisfy({ $0 >= 0 }), parts[0] < 24, parts[1] < 60, parts[2] < 61 else {
            return nil
        }
        return parts
    }
}
