import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Times: ISO 8601 with offsets, patterns, epochs, zones; output RFC 3339 UTC.
@Suite struct MappingLanguageTimeTests {
    typealias ML = MappingLanguage

    @Test(arguments: [
        "2024-05-14T11:02:11+09:00", "2024-05-14T02:02:11Z", "2024-05-13T22:02:11-04:00",
        "2024-05-14T07:32:11+0530", "2024-05-14 02:02:11.000+00:00", "2024-05-14t02:02:11z",
    ])
    func iso8601WithAnyOffsetIsTheSameInstant(_ text: String) throws {
        let event = try ML.one("started_at: $.t", #"{"t": "\#(text)"}"#)
        #expect(event.call.startedAt?.description == "2024-05-14T02:02:11Z")
        let explicit = try ML.one("started_at: { time: $.t, format: iso8601 }", #"{"t": "\#(text)"}"#)
        #expect(explicit.call.startedAt == event.call.startedAt)
    }

    @Test func fractionsAreKept() throws {
        let event = try ML.one("started_at: $.t", #"{"t": "2024-05-14T11:02:11.25+09:00"}"#)
        #expect(event.call.startedAt?.description == "2024-05-14T02:02:11.250Z")
    }

    @Test func udeskPattern() throws {
        let event = try ML.one(
            #"started_at: { time: $.t, format: "yyyy-MM-dd HH:mm:ss Z" }"#, #"{"t": "2018-03-22 11:48:05 +0800"}"#)
        #expect(event.call.startedAt?.description == "2018-03-22T03:48:05Z")
    }

    @Test func aValueThatDoesNotMatchThePatternIsAnError() throws {
        let error = try ML.runtimeError(
            #"started_at: { time: $.t, format: "yyyy-MM-dd HH:mm:ss Z" }"#, #"{"t": "2018-03-22T11:48:05+08:00"}"#)
        #expect(error.field == "call.started_at")
        #expect(error.message.contains("does not match the time pattern"))
    }

    @Test func patternsWithQuotedLettersAndFractions() throws {
        let event = try ML.one(
            #"started_at: { time: $.t, format: "dd/MM/yyyy'T'HH.mm.ss.SSS XXX" }"#,
            #"{"t": "14/05/2024T11.02.11.500 +09:00"}"#)
        #expect(event.call.startedAt?.description == "2024-05-14T02:02:11.500Z")
    }

    @Test func epochSecondsAndMilliseconds() throws {
        let event = try ML.one(
            """
            started_at: { time: $.s, format: epoch_s }
            answered_at: { time: $.text, format: epoch_s }
            ended_at: { time: $.ms, format: epoch_ms }
            """, #"{"s": 1715652131, "text": "1715652141", "ms": 1715652191250}"#)
        #expect(event.call.startedAt?.description == "2024-05-14T02:02:11Z")
        #expect(event.call.answeredAt?.description == "2024-05-14T02:02:21Z")
        #expect(event.call.endedAt?.description == "2024-05-14T02:03:11.250Z")
    }

    @Test func defaultTimezoneReadsOffsetLessTimes() throws {
        let event = try ML.one(
            "started_at: $.t", #"{"t": "2024-05-14 11:02:11"}"#, top: "default_timezone: \"+09:00\"")
        #expect(event.call.startedAt?.description == "2024-05-14T02:02:11Z")
    }

    @Test func anExplicitOffsetWinsOverTheDefaultZone() throws {
        let event = try ML.one(
            "started_at: $.t", #"{"t": "2024-05-14T02:02:11Z"}"#, top: "default_timezone: \"+09:00\"")
        #expect(event.call.startedAt?.description == "2024-05-14T02:02:11Z")
    }

    @Test func zoneOnTheOperatorWinsOverSourceAndMapping() throws {
        var source = ML.source
        source.timeZone = TimeZoneSpec("+08:00")
        let yaml = """
            started_at: $.t
            ended_at: { time: $.t, zone: Asia/Tokyo }
            """
        let event = try ML.one(
            yaml, #"{"t": "2024-05-14 11:02:11"}"#, top: "default_timezone: UTC", source: source)
        // The source's timezone overrides default_timezone …
        #expect(event.call.startedAt?.description == "2024-05-14T03:02:11Z")
        // … and zone: on the operator overrides both.
        #expect(event.call.endedAt?.description == "2024-05-14T02:02:11Z")
    }

    @Test func namedZonesFollowDaylightSavingTime() throws {
        let yaml = """
            started_at: { time: $.summer, zone: America/New_York }
            ended_at: { time: $.winter, zone: America/New_York }
            """
        let event = try ML.one(yaml, #"{"summer": "2024-07-01 12:00:00", "winter": "2024-12-01 12:00:00"}"#)
        #expect(event.call.startedAt?.description == "2024-07-01T16:00:00Z")
        #expect(event.call.endedAt?.description == "2024-12-01T17:00:00Z")
    }

    @Test func anOffsetLessTimeWithoutAZoneIsAnError() throws {
        let error = try ML.runtimeError("started_at: $.t", #"{"t": "2024-05-14 11:02:11"}"#)
        #expect(error.field == "call.started_at")
        #expect(error.message.contains("has no UTC offset"))
    }

    @Test(arguments: ["2024-02-30T10:00:00Z", "2023-02-29T10:00:00Z", "2024-05-14T24:00:00Z", "2024-13-01T00:00:00Z"])
    func anInvalidDateIsAnError(_ text: String) throws {
        let error = try ML.runtimeError("ended_at: $.t", #"{"t": "\#(text)"}"#)
        #expect(error.field == "call.ended_at")
        #expect(error.message.contains("is not a valid date and time"))
    }

    @Test func aLeapDayIsValid() throws {
        let event = try ML.one("ended_at: $.t", #"{"t": "2024-02-29T10:00:00Z"}"#)
        #expect(event.call.endedAt?.description == "2024-02-29T10:00:00Z")
    }

    @Test func aBadPatternLetterIsALoadErrorAtTheFormat() throws {
        let error = try ML.loadError(ML.mapping(#"started_at: { time: $.t, format: "yyyy-MM-dd hh:mm" }"#))
        #expect(error.message.contains("unsupported field 'hh'"))
        // Line 13 of the wrapped mapping: the four defaults come first in `call:`.
        #expect((error.line, error.column) == (13, 36))
    }

    @Test func anUnknownZoneIsALoadError() throws {
        let error = try ML.loadError(ML.mapping("", top: "default_timezone: Asia/Osaka"))
        #expect(error.message.contains("'Asia/Osaka' is not a time zone"))
        #expect((error.line, error.column) == (3, 19))
    }

    /// Abbreviations are ambiguous — Foundation reads `CST` as America/Chicago, Udesk means China
    /// Standard Time — so only offsets, UTC and IANA Area/Location names are accepted.
    @Test(arguments: ["CST", "JST", "EST"])
    func zoneAbbreviationsAreRefused(_ zone: String) throws {
        let error = try ML.loadError(ML.mapping("started_at: $.t", top: "default_timezone: \(zone)"))
        #expect(error.message.contains("'\(zone)' is not a time zone"))
        #expect((error.line, error.column) == (3, 19))
    }

    @Test func ianaNamesAreAccepted() throws {
        let event = try ML.one(
            "started_at: $.t", #"{"t": "2024-05-14 12:00:00"}"#, top: "default_timezone: Asia/Shanghai")
        #expect(event.call.startedAt?.description == "2024-05-14T04:00:00Z")
    }

    @Test func theEventTimeComesFromTime() throws {
        let event = try ML.one("", #"{"t": "2024-05-14T11:02:11+09:00"}"#, time: "time: $.t")
        #expect(event.time.description == "2024-05-14T02:02:11Z")
        #expect(event.timeSource == .payload)
        #expect(event.receivedAt == ML.receivedAt)
    }

    @Test func aMissingEventTimeIsAnErrorUnlessItFallsBackToReceipt() throws {
        let error = try ML.runtimeError("", #"{}"#, time: "time: $.t")
        #expect(error.field == "time")
        #expect(error.message.contains("time_fallback: receipt"))
        let fallback = try ML.one("", #"{}"#, time: "time: $.t\ntime_fallback: receipt")
        #expect(fallback.timeSource == .receipt)
        #expect(fallback.time == ML.receivedAt)
    }

    @Test func receivedAtIsAVariable() throws {
        let event = try ML.one("ended_at: $received_at")
        #expect(event.call.endedAt == ML.receivedAt)
    }
}
