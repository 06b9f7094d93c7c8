import CallGateFoundation

extension CallEvent {
    /// Canonical JSON of the event, in the order of Docs/call-record.md.
    public var json: JSONValue {
        var o = JSONObject()
        o.reserveCapacity(11)
        o.appendUnchecked("id", .string(id))
        o.appendUnchecked("type", .string(type.rawValue))
        o.appendUnchecked("schema", .string(Self.schema))
        o.appendUnchecked("time", .string(time.description))
        o.appendUnchecked("time_source", .string(timeSource.rawValue))
        o.appendUnchecked("received_at", .string(receivedAt.description))
        o.appendUnchecked("source", .string(source))
        o.appendUnchecked("vendor", .string(vendor))
        o.appendUnchecked("vendor_event", .optional(vendorEvent))
        o.appendUnchecked("revision", .int(Int64(revision)))
        o.appendUnchecked("call", call.json)
        return .object(o)
    }

    /// Reads an event in canonical form (as stored or delivered).
    public init(json: JSONValue) throws(FieldError) {
        let context = CoercionContext(region: "ZZ")
        let r = try FieldReader(json, context: context, checkKeys: true)
        try r.rejectUnknown([
            "id", "type", "schema", "time", "time_source", "received_at", "source", "vendor", "vendor_event",
            "revision", "call",
        ])
        guard try r.string("schema") == Self.schema else {
            throw FieldError(path: "schema", message: "expected '\(Self.schema)'")
        }
        guard let time = try r.time("time"), let receivedAt = try r.time("received_at") else {
            throw FieldError(path: "time", message: "missing (required)")
        }
        guard case .int(let revision)? = r.object["revision"], revision >= 1 else {
            throw FieldError(path: "revision", message: "expected an integer ≥ 1")
        }
        self.init(
            id: try r.requiredString("id"), type: try r.requiredVocabulary("type", EventType.self), time: time,
            timeSource: try r.requiredVocabulary("time_source", TimeSource.self), receivedAt: receivedAt,
            source: try r.requiredString("source"), vendor: try r.requiredString("vendor"),
            vendorEvent: try r.string("vendor_event"), revision: Int(revision),
            call: try CallRecord(json: r.object["call"] ?? .null, context: context))
    }
}
