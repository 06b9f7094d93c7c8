import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

/// Phone numbers (`phone:` and phone-typed fields) and durations.
@Suite struct MappingLanguagePhoneTests {
    typealias ML = MappingLanguage

    @Test func phoneFieldsNormalizeStringsWithTheSourceRegion() throws {
        let payload = #"{"from": "03-1234-5678", "to": "+81 90 1234 5678"}"#
        let jp = try ML.one("from: $.from\nto: $.to\ncustomer: { phone: $.from }", payload)
        #expect(jp.call.from?.e164 == "+81312345678")
        #expect(jp.call.from?.raw == "03-1234-5678")
        #expect(jp.call.from?.region == "JP")
        #expect(jp.call.to?.e164 == "+819012345678")
        #expect(jp.call.customer?.phone?.e164 == "+81312345678")

        var us = ML.source
        us.region = "US"
        let other = try ML.one("from: $.from\nto: $.to", payload, source: us)
        // The same national number means something else in another region; the +81 one does not change.
        #expect(other.call.from?.e164 != "+81312345678")
        #expect(other.call.to?.e164 == "+819012345678")
    }

    @Test func thePhoneOperatorOverridesTheRegion() throws {
        let event = try ML.one(
            """
            from: { phone: $.n, region: US }
            to: $.n
            vendor_meta: { caller: { phone: $.n, region: US } }
            """, #"{"n": "(415) 555-2671"}"#)
        #expect(event.call.from?.e164 == "+14155552671")
        #expect(event.call.from?.region == "US")
        #expect(event.call.to?.e164 != "+14155552671")
        // Outside phone fields, phone: yields the canonical object.
        let caller = try #require(event.call.vendorMeta["caller"]?.objectValue)
        #expect(caller["e164"] == .string("+14155552671"))
        #expect(caller["raw"] == .string("(415) 555-2671"))
    }

    @Test func withheldMarkersKeepRawAndSetPresentation() throws {
        let event = try ML.one("from: $.n", #"{"n": "非通知"}"#)
        #expect(event.call.from?.raw == "非通知")
        #expect(event.call.from?.e164 == nil)
        #expect(event.call.from?.presentation == .restricted)
    }

    @Test func aBadRegionIsALoadError() throws {
        let error = try ML.loadError(ML.mapping("from: { phone: $.n, region: jp }"))
        #expect(error.message.contains("two-letter region code"))
        #expect(error.line == 13)
    }

    @Test func aPhoneFieldRejectsNonText() throws {
        let error = try ML.runtimeError("to: $.n", #"{"n": true}"#)
        #expect(error.field == "call.to")
        #expect(error.message.contains("expected a phone number string"))
    }
}

/// `seconds_between`, `earliest`, `latest` and the recomputed `durations`.
@Suite struct MappingLanguageDurationTests {
    typealias ML = MappingLanguage

    @Test func secondsBetweenTwoTimes() throws {
        let event = try ML.one(
            "durations: { ivr: { seconds_between: [$.a, $.b] } }",
            #"{"a": "2024-05-14T11:00:00+09:00", "b": "2024-05-14T02:01:30.5Z"}"#)
        #expect(event.call.durations.ivr == 90.5)
    }

    @Test func secondsBetweenIsNullWhenATimeIsMissing() throws {
        let event = try ML.one(
            "vendor_meta: { d: { seconds_between: [$.a, $.b] } }", #"{"a": "2024-05-14T11:00:00+09:00"}"#)
        #expect(event.call.vendorMeta["d"] == nil)
    }

    @Test func durationsAreRecomputedFromTheLifecycleTimes() throws {
        let event = try ML.one(
            """
            started_at: $.start
            answered_at: $.answer
            ended_at: $.end
            durations: { total: 1, talk: 999, ivr: 7 }
            """,
            #"{"start": "2024-05-14T02:00:00Z", "answer": "2024-05-14T02:00:20Z", "end": "2024-05-14T02:03:00Z"}"#)
        #expect(event.call.durations.total == 180)
        #expect(event.call.durations.talk == 160)
        #expect(event.call.durations.ring == nil)
        // IVR time has no lifecycle times to come from: the mapped value stays.
        #expect(event.call.durations.ivr == 7)
    }

    @Test func ringAndQueueComeFromTheirOwnTimes() throws {
        let event = try ML.one(
            """
            queued_at: $.q
            ringing_at: $.r
            answered_at: $.a
            ended_at: $.e
            """,
            #"""
            {"q": "2024-05-14T02:00:00Z", "r": "2024-05-14T02:00:30Z",
             "a": "2024-05-14T02:00:45Z", "e": "2024-05-14T02:01:00Z"}
            """#)
        #expect(event.call.durations.ring == 15)
        #expect(event.call.durations.queue == 45)
    }

    @Test func mappedDurationsStayWhenNoTimesAreKnown() throws {
        let event = try ML.one("durations: { talk: { number: $.talk }, queue: $.q }", #"{"talk": "42.5", "q": 3}"#)
        #expect(event.call.durations.talk == 42.5)
        #expect(event.call.durations.queue == 3)
    }

    @Test func negativeDurationsBecomeNull() throws {
        let event = try ML.one(
            """
            started_at: $.start
            answered_at: $.answer
            ended_at: $.end
            durations: { ivr: -5 }
            """,
            #"{"start": "2024-05-14T02:00:00Z", "answer": "2024-05-14T02:05:00Z", "end": "2024-05-14T02:03:00Z"}"#)
        #expect(event.call.durations.talk == nil)
        #expect(event.call.durations.ivr == nil)
        #expect(event.call.durations.total == 180)
    }

    @Test func earliestAndLatest() throws {
        let event = try ML.one(
            """
            started_at: { earliest: [$.a, $.b, $.none] }
            ended_at: { latest: [$.a, $.b, { time: $.c, format: epoch_s }] }
            """, #"{"a": "2024-05-14T11:00:05+09:00", "b": "2024-05-14T02:00:00Z", "c": 1715652300}"#)
        #expect(event.call.startedAt?.description == "2024-05-14T02:00:00Z")
        #expect(event.call.endedAt?.description == "2024-05-14T02:05:00Z")
        let none = try ML.one("started_at: { earliest: [$.x, $.y] }")
        #expect(none.call.startedAt == nil)
    }
}
