import BiztelAdapter
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateTestSupport
import Foundation
import Testing

/// The BIZTEL rules of Docs/vendors/biztel.md, asserted on the shipped mapping and adapter.
@Suite struct BiztelTranslationTests {
    static func request(query: String, body: String = "", contentType: String? = nil) throws -> InboundRequest {
        InboundRequest(
            method: body.isEmpty ? .get : .post, contentType: contentType, query: try FormURLEncoding.decode(query),
            body: Array(body.utf8))
    }

    /// Event names in Japanese and their English aliases → (type, status).
    static let eventNames: [(String, String, EventType, CallStatus)] = [
        ("着信", "incoming", .started, .ringing), ("コールセンターキュー", "queue", .queued, .queued),
        ("応答", "answer", .answered, .inProgress), ("切断", "hangup", .ended, .ended),
        ("コールセンター切断", "queue_hangup", .ended, .ended), ("不在着信", "missed", .ended, .ended),
    ]

    @Test func everyEventNameInJapaneseAndEnglish() throws {
        for (japanese, english, type, status) in Self.eventNames {
            for name in [japanese, english] {
                let event = try #require(
                    try Golden.events(
                        Self.request(query: "event=\(name)&id=1716960000.1001&tel=0312345678"), source: "biztel"
                    ).first)
                #expect(event.type == type, "\(name)")
                #expect(event.call.status == status, "\(name)")
                #expect(event.vendorEvent == name)
            }
        }
    }

    @Test func incomingIsInboundRingingWithTheCallerAsFrom() throws {
        let event = try #require(try Golden.events("biztel", "incoming").first)
        #expect(event.type == .started)
        #expect(event.call.direction == .inbound)
        #expect(event.call.from?.e164 == "+819012345678")
        #expect(event.call.vendorCallId == "1716960000.1001")
        #expect(event.call.outcome == nil, "no outcome before the call ended")
    }

    @Test func missedCallEndsWithNoAnswer() throws {
        let event = try #require(try Golden.events("biztel", "missed").first)
        #expect(event.type == .ended)
        #expect(event.call.outcome == .noAnswer)
    }

    @Test func queryJSONAndFormInputsMerge() throws {
        // The query names the event and call, the JSON body carries the caller.
        let merged = try #require(try Golden.events("biztel", "hangup").first)
        #expect(merged.call.vendorCallId == "1716960000.1001")
        #expect(merged.call.from?.raw == "09012345678")
        // A body value wins over the same query parameter.
        let overridden = try #require(
            try Golden.events(
                Self.request(
                    query: "event=着信&id=1", body: "id=2&tel=0312345678",
                    contentType: "application/x-www-form-urlencoded"),
                source: "biztel"
            ).first)
        #expect(overridden.call.vendorCallId == "2")
        let form = try #require(try Golden.events("biztel", "queue").first)
        #expect(form.call.queue?.name == "サポート窓口")
    }

    @Test func timesComeFromReceiptAndReSendsKeepTheirId() throws {
        let first = try #require(try Golden.events("biztel", "incoming").first)
        #expect(first.timeSource == .receipt)
        #expect(first.time == Golden.receivedAt)
        #expect(first.call.startedAt == Golden.receivedAt)
        let later = Timestamp(rfc3339: "2026-01-01T00:00:07Z")!
        let again = try #require(try Golden.events("biztel", "incoming", receivedAt: later).first)
        #expect(again.time == later)
        #expect(again.id == first.id, "an identical re-send is a duplicate, whenever it arrives")
    }

    @Test func hangupCarriesTheMonitorLinkFromSourceConfiguration() throws {
        let event = try #require(try Golden.events("biztel", "queue-hangup").first)
        #expect(event.call.recording?.url == "https://s0000.u.biztel.jp:8000/monitor_link/1716960000.1001")
        let context = FunctionContext(
            source: SourceSettings(id: "b", adapter: "biztel", region: "JP"), receivedAt: Timestamp(seconds: 0))
        #expect(try BiztelAdapter.monitorLink.body(["1"], context) == .null, "no recording_url configured")
    }

    @Test func badRequestsAreRejected() throws {
        let adapter = BiztelAdapter()
        let source = SourceSettings(id: "biztel", adapter: "biztel", region: "JP")
        #expect(throws: GatewayError.self) {
            _ = try adapter.input(from: InboundRequest(contentType: nil, body: []), source: source)
        }
        #expect(throws: GatewayError.self) {
            _ = try adapter.input(
                from: InboundRequest(contentType: "application/xml", body: Array("<a/>".utf8)), source: source)
        }
        #expect(throws: GatewayError.self) {
            _ = try adapter.input(
                from: InboundRequest(contentType: "application/json", body: Array("{".utf8)), source: source)
        }
        #expect(throws: GatewayError.self) { _ = try FormURLEncoding.decode("event=%E7%9D") }
        // An unknown event name and a missing call id are mapping errors (422), not defaults.
        for query in ["event=転送中&id=1", "event=着信&tel=1"] {
            #expect(throws: GatewayError.self) { _ = try Golden.events(Self.request(query: query), source: "biztel") }
        }
    }

    @Test func withheldCallerIsUnavailableNotDropped() throws {
        let event = try #require(try Golden.events("biztel", "anonymous-incoming").first)
        #expect(event.call.from?.presentation == .unavailable)
        #expect(event.call.from?.e164 == nil)
    }
}
