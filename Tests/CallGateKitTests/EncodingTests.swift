import CallGateCore
import CallGateKit
import CallGateTestSupport
import Foundation
import Testing

/// The fast byte encoder (used for delivery and event ids) and the `JSONValue` encoding (used by
/// the CLI and golden files) must never disagree, and a stored event must read back unchanged.
@Suite struct EncodingTests {
    @Test func directEncoderMatchesTheValueEncodingForEveryFixture() throws {
        var checked = 0
        for vendor in SchemaConformanceTests.vendors {
            for fixture in Golden.fixtures(vendor) {
                guard case .events(let events) = try Golden.process(try fixture.request(), source: vendor) else {
                    continue
                }
                for event in events {
                    #expect(event.jsonBytes() == JSONWriter.compact.bytes(event.json), "\(fixture.testDescription)")
                    checked += 1
                }
            }
        }
        #expect(checked >= 60)
    }

    @Test func eventsReadBackFromTheirJSON() throws {
        for vendor in SchemaConformanceTests.vendors {
            for fixture in Golden.fixtures(vendor) {
                guard case .events(let events) = try Golden.process(try fixture.request(), source: vendor) else {
                    continue
                }
                for event in events {
                    let decoded = try CallEvent(json: try JSONParser.parse(event.jsonBytes()))
                    #expect(decoded == event, "\(fixture.testDescription)")
                }
            }
        }
    }

    @Test func storedEventsWithUnknownFieldsAreRejected() throws {
        let event = try #require(try Golden.events("udesk", "call-trigger-ja").first)
        guard case .object(var o) = event.json, case .object(var call)? = o["call"] else { return }
        call["colour"] = "blue"
        o["call"] = .object(call)
        #expect(throws: FieldError(path: "call.colour", message: "not a field of the canonical record")) {
            try CallEvent(json: .object(o))
        }
    }
}
