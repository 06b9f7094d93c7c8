import CallGateFoundation

extension CallRecord {
    /// Canonical JSON: every field present, in the order of Docs/call-record.md; unknown values are
    /// `null`.
    public var json: JSONValue {
        var o = JSONObject()
        o.reserveCapacity(Self.fields.count)
        for (field, name) in zip(Self.fields, Self.fieldNames) { o.appendUnchecked(name, field.tree(self)) }
        return .object(o)
    }

    /// Reads a record from a mapping's `call:` output given as one value per field of
    /// `fieldNames` (JSON null for fields the mapping does not set).
    package init(callSlots: [JSONValue], context: CoercionContext) throws(FieldError) {
        self = try FieldReader.nested("call") { () throws(FieldError) in
            try Self.decode(FieldReader(callSlots: callSlots, context: context))
        }
    }

    /// Reads a record from a mapping's output (or a stored event), coercing vendor strings in
    /// time and phone fields, and checking every rule of the canonical model.
    /// - Parameter checkKeys: reject members the model does not have (mapping output skips this:
    ///   the compiler already checked its field names).
    /// - Throws: `FieldError` naming the first offending field (`call.participants[1].role`).
    public init(json: JSONValue, context: CoercionContext, path: String = "call", checkKeys: Bool = true)
        throws(FieldError)
    {
        self = try FieldReader.nested(path) { () throws(FieldError) in
            try Self.decode(try FieldReader(json, context: context, checkKeys: checkKeys))
        }
    }

    static func decode(_ r: FieldReader) throws(FieldError) -> CallRecord {
        try r.rejectUnknown(Self.fieldNames)
        var c = CallRecord(callKey: "", vendorCallId: "", status: .ringing)
        for field in Self.fields { try field.read(r, &c) }
        if c.status != .ended, c.outcome != nil || c.outcomeReason != nil {
            throw FieldError(
                path: c.outcome != nil ? "outcome" : "outcome_reason",
                message: "set while status is '\(c.status)'; an outcome is known only once the call ended")
        }
        return c
    }
}

extension JSONValue {
    @inlinable package static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    @inlinable static func optional(_ d: Double?) -> JSONValue { d.map { .double($0) } ?? .null }
    static func time(_ t: Timestamp?) -> JSONValue { t.map { .string($0.description) } ?? .null }
}
