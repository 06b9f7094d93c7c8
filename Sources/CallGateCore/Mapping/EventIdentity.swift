import Crypto

/// Deterministic identifiers (SPEC §3.1): an identical re-send maps to the same ids, a changed one
/// to a new event id.
public enum EventIdentity {
    /// `call_` + 128 bits of SHA-256 over (source id, vendor call id).
    public static func callKey(source: String, vendorCallId: String) -> String {
        "call_" + digest(["callgate.call_key.v1", source, vendorCallId])
    }

    /// `evt_` + 128 bits of SHA-256 over (source id, vendor leg id, type, this event's own
    /// normalized content). Receipt-dependent values are left out: `received_at`, the event time
    /// when it is the receipt time, and lifecycle times equal to the receipt time (BIZTEL sends no
    /// times), so an identical re-send hashes the same.
    public static func eventId(for event: CallEvent) -> String {
        var content = event
        content.id = ""
        content.revision = 1
        let receipt = event.receivedAt
        if event.timeSource == .receipt { content.time = Timestamp(microseconds: 0) }
        content.receivedAt = Timestamp(microseconds: 0)
        for keyPath in [\CallRecord.startedAt, \.queuedAt, \.ringingAt, \.answeredAt, \.endedAt]
        where content.call[keyPath: keyPath] == receipt {
            content.call[keyPath: keyPath] = nil
        }
        if content.call != event.call { content.call.recomputeDurations() }
        let body = String(decoding: JSONWriter.compact.bytes(content.json), as: UTF8.self)
        return "evt_" + digest(["callgate.event.v1", event.source, event.call.legId ?? event.call.vendorCallId, event.type.rawValue, body])
    }

    static func digest(_ parts: [String]) -> String {
        var hasher = SHA256()
        for part in parts {
            // Length-prefixed so no two different tuples share an encoding.
            hasher.update(data: Array(String(part.utf8.count).utf8) + [0x3A])
            hasher.update(data: Array(part.utf8))
        }
        let bytes = Array(hasher.finalize().prefix(16))
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
