import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
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

    /// The record's bytes are kept from computing the id; a change to the record must not be
    /// serialized from that stale copy, and must not change what the id was computed over.
    @Test func changingTheRecordAfterMappingIsSerializedFresh() throws {
        var event = try #require(try Golden.events("miitel", "speech-recognition-ja").first)
        let before = event.jsonBytes()
        #expect(before == JSONWriter.compact.bytes(event.json))
        #expect(EventIdentity.eventId(for: event) == event.id)
        event.call.tenant = "changed-tenant"
        let after = event.jsonBytes()
        #expect(after != before)
        #expect(after == JSONWriter.compact.bytes(event.json))
        #expect(String(decoding: after, as: UTF8.self).contains("\"tenant\":\"changed-tenant\""))
        #expect(EventIdentity.eventId(for: event) != event.id)
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
