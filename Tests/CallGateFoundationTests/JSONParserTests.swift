import CallGateTestSupport
import Foundation
import Testing

@testable import CallGateConfig
@testable import CallGateFoundation
@testable import CallGateMapping
@testable import CallGateModel
@testable import CallGatePipeline
@testable import CallGateReceive

@Suite struct JSONParserTests {
    /// The parser's error for `text`, after checking that the tape rejects it with the same one.
    func failure(_ text: String) -> JSONParseError? {
        failure(Array(text.utf8))
    }

    func failure(_ bytes: [UInt8]) -> JSONParseError? {
        var tree: JSONParseError?
        do { _ = try JSONParser.parse(bytes) } catch { tree = error }
        var tape: JSONParseError?
        do { _ = try JSONTape(parsing: bytes) } catch { tape = error }
        #expect(tree == tape, "the tape and the tree parser disagree")
        return tree
    }

    @Test func parsesEveryKindAndKeepsMemberOrder() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":[true,false,null,-0.5,1e3,"x\u00e9\ud83d\ude00\n"],"c":{}}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["b", "a", "c"])
        #expect(value["b"] == .int(1))
        #expect(value["a"] == [true, false, nil, .double(-0.5), .double(1000), "xé😀\n"])
    }

    @Test func largeIntegersStayExact() throws {
        #expect(try JSONParser.parse("9007199254740993") == .int(9_007_199_254_740_993))
        #expect(try JSONParser.parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
    }

    @Test func errorsCarryLineAndColumnInCharacters() {
        let error = failure("{\n  \"名前\": \"値\",\n  \"x\": tru\n}")
        #expect(error?.line == 3)
        #expect(error?.column == 8)
        let trailing = failure("{\"a\": 1,\n}")
        #expect(trailing?.message.contains("trailing comma") == true)
        #expect(trailing?.line == 2)
    }

    @Test func typographicQuotesAreNamed() {
        let error = failure("{\"a\": “b”}")
        #expect(error?.message.contains("U+201C") == true)
        #expect(error?.message.contains("typographic quote") == true)
    }

    @Test func hostileInputIsRejected() {
        #expect(failure(#"{"a":1,"a":2}"#)?.message.contains("duplicate member name") == true)
        #expect(
            failure(String(repeating: "[", count: 300) + String(repeating: "]", count: 300))?.message.contains(
                "nesting") == true)
        #expect(failure("\"\u{01}\"") != nil)
        #expect(failure(#""\ud800""#)?.message.contains("surrogate") == true)
        #expect(failure("01") != nil)
        #expect(failure("1.") != nil)
        #expect(failure("") != nil)
        #expect(failure("{} x") != nil)
        #expect(failure("1e999")?.message.contains("out of range") == true)
        #expect(failure([0x22, 0xFF, 0xFE, 0x22])?.message.contains("UTF-8") == true)
        #expect(failure([0x22, 0xED, 0xA0, 0x80, 0x22]) != nil)  // an encoded surrogate
        #expect(failure([0x22, 0xC0, 0xAF, 0x22]) != nil)  // overlong
        #expect(failure(#"{"a":1,"\u0061":2}"#)?.message.contains("duplicate member name") == true)
    }

    @Test func byteOrderMarkIsTolerated() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == .object(JSONObject()))
    }

    @Test func writerRoundTripsTheComplianceSuiteDocument() throws {
        let data = try Data(contentsOf: PackageRoot.fixture("jsonpath-cts/cts.json"))
        let value = try JSONParser.parse([UInt8](data))
        for writer in [JSONWriter.compact, JSONWriter.pretty] {
            let again = try JSONParser.parse(writer.bytes(value))
            #expect(JSONValue.semanticallyEqual(again, value))
        }
        // And Foundation's parser agrees with what we write.
        let foundation = try JSONSerialization.jsonObject(with: Data(JSONWriter.compact.bytes(value)))
        #expect((foundation as? [String: Any])?["tests"] is [Any])
    }

    @Test func writerEscapesOnlyWhatJSONRequires() {
        let text = JSONWriter.compact.string(["k": "a\"b\\c\n\u{01}/é"])
        #expect(text == #"{"k":"a\"b\\c\n\u0001/é"}"#)
        #expect(JSONWriter.compact.string(.double(23)) == "23")
        #expect(JSONWriter.compact.string(.double(0.1)) == "0.1")
    }
}

@Suite struct TimestampTests {
    @Test func formatsRFC3339UTC() {
        #expect(Timestamp(seconds: 0).description == "1970-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 951_782_400).description == "2000-02-29T00:00:00Z")
        #expect(Timestamp(microseconds: 1_670_557_317_732_021).description == "2022-12-09T03:41:57.732021Z")
        #expect(Timestamp(microseconds: 1_000).description == "1970-01-01T00:00:00.001Z")
        #expect(Timestamp(seconds: -1).description == "1969-12-31T23:59:59Z")
    }

    @Test func parsesOffsetsToTheSameInstant() throws {
        let forms = [
            "2022-12-09T03:41:48+00:00", "2022-12-09T12:41:48+09:00", "2022-12-09T03:41:48Z",
            "2022-12-09 11:41:48+0800",
        ]
        let instants = try forms.map { try TimeFormat.iso8601.parse(.string($0), zone: nil) }
        #expect(Set(instants).count == 1)
        #expect(instants[0].description == "2022-12-09T03:41:48Z")
    }

    @Test func namedZonesFollowDaylightSaving() throws {
        let zone = try #require(TimeZoneSpec("America/New_York"))
        let winter = try TimeFormat.iso8601.parse(.string("2024-01-15T12:00:00"), zone: zone)
        let summer = try TimeFormat.iso8601.parse(.string("2024-07-15T12:00:00"), zone: zone)
        #expect(winter.description == "2024-01-15T17:00:00Z")
        #expect(summer.description == "2024-07-15T16:00:00Z")
    }

    @Test func rejectsImpossibleDates() throws {
        for text in [
            "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "yesterday",
        ] {
            #expect(throws: MessageError.self, "\(text)") { try TimeFormat.iso8601.parse(.string(text), zone: .utc) }
        }
        #expect(
            try TimeFormat.iso8601.parse(.string("2024-02-29T00:00:00Z"), zone: nil).description
                == "2024-02-29T00:00:00Z")
    }
}
