import CallGateFoundation

extension CallEvent {
    /// The event's canonical JSON, compact, as UTF-8 bytes (what sinks receive).
    /// The record (`call`) as canonical JSON, encoded once and kept until `call` changes: the
    /// store writes it beside the event.
    public mutating func recordBytes() -> [UInt8] {
        if let bytes = encodedCall.bytes { return bytes }
        var encoder = EventEncoder(capacity: 4096)
        call.encode(into: &encoder)
        encodedCall = EncodingCache(bytes: encoder.out)
        return encoder.out
    }

    public func jsonBytes() -> [UInt8] {
        var encoder = EventEncoder(capacity: (encodedCall.bytes?.count ?? 3500) + 600)
        encode(into: &encoder, identity: false)
        return encoder.out
    }

    /// - Parameter identity: leave out what must not affect the event id (`id`, `received_at`,
    ///   `revision`, and `time` when it is the receipt time).
    func encode(into e: inout EventEncoder, identity: Bool) {
        encodeHeader(into: &e, identity: identity)
        if let bytes = encodedCall.bytes {
            e.out.append(contentsOf: bytes)
        } else {
            call.encode(into: &e)
        }
        e.close()
    }

    /// Everything before the record: `{` … `"call":`.
    package func encodeHeader(into e: inout EventEncoder, identity: Bool) {
        e.open()
        if !identity { e.field("id", id) }
        e.field("type", type.rawValue)
        e.field("schema", Self.schema)
        if !identity || timeSource == .payload {
            e.key("time")
            e.time(time)
        }
        e.field("time_source", timeSource.rawValue)
        if !identity {
            e.key("received_at")
            e.time(receivedAt)
        }
        e.field("source", source)
        e.field("vendor", vendor)
        e.field("vendor_event", vendorEvent)
        if !identity {
            e.key("revision")
            e.out.append(contentsOf: String(revision).utf8)
        }
        e.key("call")
    }
}

extension CallRecord {
    package func encode(into e: inout EventEncoder) {
        e.open()
        for field in Self.fields {
            e.key(field.name)
            field.write(self, &e)
        }
        e.close()
    }
}
