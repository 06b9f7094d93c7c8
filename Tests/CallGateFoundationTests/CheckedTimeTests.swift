import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Testing

/// Issue 14: numbers from payloads, headers and peers' answers never trap: times are held to the
/// years RFC 3339 can write, and out-of-range values are refused or bounded.
@Suite struct CheckedTimeTests {
    @Test func secondsOutsideYears1To9999AreRefused() {
        #expect(Timestamp(checkedSeconds: 99_999_999_999_999_999) == nil)
        #expect(Timestamp(checkedSeconds: .max) == nil)
        #expect(Timestamp(checkedSeconds: .min) == nil)
        #expect(Timestamp(checkedSeconds: 253_402_300_799)?.description == "9999-12-31T23:59:59Z")
        #expect(Timestamp(checkedSeconds: -62_135_596_800)?.description == "0001-01-01T00:00:00Z")
        #expect(Timestamp(checkedSeconds: 253_402_300_800) == nil)
        // The unchecked initializer, for the gateway's own values, is held to the range.
        #expect(Timestamp(seconds: .max) == .latest)
        #expect(Timestamp(seconds: .min) == .earliest)
    }

    @Test func addingAnyDurationStaysInRange() {
        let now = Timestamp(seconds: 1_700_000_000)
        #expect(now.adding(.seconds(Int64.max)) == .latest)
        #expect(now.adding(.zero - .seconds(Int64.max)) == .earliest)
        #expect(Timestamp.latest.adding(.seconds(1)) == .latest)
        #expect(now.adding(.seconds(60)).microseconds == now.microseconds + 60_000_000)
        #expect(Timestamp.earliest.seconds(to: .latest) > 0)
    }

    @Test func retryAfterFromAHostileSinkIsReadOrIgnored() {
        let now = Timestamp(seconds: 1_700_000_000)
        #expect(Timestamp(httpDate: "Sun, 06 Nov 300000 08:49:37 GMT") == nil)
        #expect(Timestamp(httpDate: "Sun, 06 Nov 99999999999999999 08:49:37 GMT") == nil)
        #expect(RetryPolicy.retryAfter("Sun, 06 Nov 300000 08:49:37 GMT", now: now) == nil)
        #expect(RetryPolicy.retryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now: now) != nil)
        #expect(RetryPolicy.retryAfter("99999999999999999999999999", now: now) != nil)
        let policy = RetryPolicy()
        for header in [
            "Sun, 06 Nov 300000 08:49:37 GMT", "99999999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "-1",
        ] {
            let decision = policy.result(of: .response(status: 503, retryAfter: header), attempt: 1, now: now)
            guard case .retry(let at) = decision else {
                Issue.record("expected a retry for \(header), got \(decision)")
                continue
            }
            #expect(at > now && at <= now.adding(policy.maxRetryAfter).adding(.seconds(3600)))
        }
    }

    @Test func epochTimesOutOfRangeAreFieldErrors() throws {
        for value: JSONValue in [1e15, -1e15, 1e300, "99999999999999999999"] {
            #expect(throws: MessageError.self) { try TimeFormat.epochSeconds.parse(value, zone: nil) }
        }
        #expect(try TimeFormat.epochSeconds.parse(1_700_000_000, zone: nil).description == "2023-11-14T22:13:20Z")
    }
}
