import CallGateFoundation
import CallGateModel
import Crypto

/// Deterministic identifiers (Docs/call-record.md, "Ids and revisions"): an identical re-send maps
/// to the same ids, a changed one to a new event id. The mapping gives events without them; the
/// Normalize stage assigns them (`SourcePipeline.events`), so the mapping language, and the
/// build-time mapping check with it, needs no cryptography.
public enum EventIdentity {
    /// Gives mapped events their call keys and event ids.
    public static func assign(_ events: inout [CallEvent]) {
        for i in events.indices {
            events[i].call.callKey = callKey(source: events[i].source, vendorCallId: events[i].call.vendorCallId)
            assignId(&events[i])
        }
    }

    /// `call_` + 128 bits of SHA-512 over (source id, vendor call id).
    public static func callKey(source: String, vendorCallId: String) -> String {
        "call_" + digest(["callgate.call_key.v1", source, vendorCallId])
    }

    /// `evt_` + 128 bits of SHA-512 (faster than SHA-256 on 64-bit CPUs
    /// without SHA extensions) over (source id, vendor leg id, type, this event's own
    /// normalized content). Receipt-dependent values are left out: `received_at`, the event time
    /// when it is the receipt time, and lifecycle times equal to the receipt time (BIZTEL sends no
    /// times), so an identical re-send hashes the same.
    public static func eventId(for event: CallEvent) -> String {
        var copy = event
        assignId(&copy)
        return copy.id
    }

    /// Sets `event.id`. When no lifecycle time had to be left out, the record's encoding is kept
    /// on the event, so serializing it afterwards does not encode the record again.
    package static func assignId(_ event: inout CallEvent) {
        let receipt = event.receivedAt
        var call = event.call
        let receiptTimes =
            call.startedAt == receipt || call.queuedAt == receipt || call.ringingAt == receipt
            || call.answeredAt == receipt || call.endedAt == receipt
        if receiptTimes {
            if call.startedAt == receipt { call.startedAt = nil }
            if call.queuedAt == receipt { call.queuedAt = nil }
            if call.ringingAt == receipt { call.ringingAt = nil }
            if call.answeredAt == receipt { call.answeredAt = nil }
            if call.endedAt == receipt { call.endedAt = nil }
            call.recomputeDurations()
        }
        var header = EventEncoder(capacity: 256)
        event.encodeHeader(into: &header, identity: true)
        var body = EventEncoder(capacity: 4096)
        call.encode(into: &body)
        var hasher = SHA512()
        for part in [
            "callgate.event.v1", event.source, event.call.legId ?? event.call.vendorCallId, event.type.rawValue,
        ] {
            update(&hasher, Array(part.utf8))
        }
        // The identity encoding is header + record + "}", hashed with its length in front.
        hasher.update(data: Array(String(header.out.count + body.out.count + 1).utf8) + [0x3A])
        hasher.update(data: header.out)
        hasher.update(data: body.out)
        hasher.update(data: [UInt8(ascii: "}")])
        event.id = "evt_" + hex(hasher.finalize())
        if !receiptTimes { event.encodedCall = EncodingCache(bytes: body.out) }
    }

    /// Length-prefixed so no two different tuples share an encoding.
    static func update(_ hasher: inout SHA512, _ bytes: [UInt8]) {
        hasher.update(data: Array(String(bytes.count).utf8) + [0x3A])
        hasher.update(data: bytes)
    }

    static func digest(_ parts: [String]) -> String {
        var hasher = SHA512()
        for part in parts { update(&hasher, Array(part.utf8)) }
        return hex(hasher.finalize())
    }

    static func hex(_ digest: SHA512.Digest) -> String {
        let bytes = Array(digest.prefix(16))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for b in bytes {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
