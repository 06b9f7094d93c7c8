import CallGateFoundation

extension CallRecord {
    /// Every field of the record, once, in canonical order (Docs/call-record.md). This table drives
    /// the canonical JSON (`encode(into:)`, `json`), reading (`init(json:context:)`, mapping
    /// output), the field names a mapping may set (`FieldKind.callRecord`) and the merge of one
    /// call's events (`CallMerge`).
    package static let fields: [RecordField] = [
        // Derived from the source and vendor_call_id (EventIdentity); a merge keeps the stored one.
        .value("call_key", \.callKey, absent: { _ in "" }, merge: { stored, _ in stored }),
        .value("vendor_call_id", \.vendorCallId, absent: required, merge: { _, incoming in incoming }),
        .optional("leg_id", \.legId),
        .optional("previous_leg_id", \.previousLegId),
        .optional("thread_key", \.threadKey),
        .optional("tenant", \.tenant),
        // A known direction is not overwritten by `unknown`.
        .value("direction", \.direction, absent: required, merge: { s, i in i != .unknown ? i : s }),
        // A specific leg kind (queue, transfer, …) is not overwritten by the plain one.
        .value("leg_kind", \.legKind, absent: required, merge: { s, i in i != .normal || s == .normal ? i : s }),
        // Only moves forward: ringing → queued → in_progress → ended.
        .value("status", \.status, absent: required, merge: { s, i in max(s, i) }),
        // Only events that end the call set these (`CallMerge.merge`, after every other field).
        .optional("outcome", \.outcome, merge: { stored, _ in stored }),
        .optional("outcome_reason", \.outcomeReason, merge: { stored, _ in stored }),
        .optional("from", \.from),
        .optional("to", \.to),
        .optional("line", \.line, merge: Line.merged),
        .optional("customer", \.customer, merge: Customer.merged),
        .optional("agent", \.agent, merge: Agent.merged),
        .list("participants", \.participants, element: Participant.elements, merge: CallMerge.participants),
        .optional("queue", \.queue, merge: Queue.merged),
        // The earliest known time of each step wins, the latest end.
        .optional("started_at", \.startedAt, merge: CallMerge.earliest),
        .optional("queued_at", \.queuedAt, merge: CallMerge.earliest),
        .optional("ringing_at", \.ringingAt, merge: CallMerge.earliest),
        .optional("answered_at", \.answeredAt, merge: CallMerge.earliest),
        .optional("ended_at", \.endedAt, merge: CallMerge.latest),
        .value("durations", \.durations, absent: { _ in Durations() }, merge: Durations.merged),
        .optional("recording", \.recording),
        .optional("transcript", \.transcript),
        .optional("summary", \.summary),
        .optional("dtmf", \.dtmf),
        .list("tags", \.tags, element: tags),
        .list("notes", \.notes, element: Note.elements),
        .optional("survey", \.survey),
        .optional("analytics", \.analytics),
        .optional("links", \.links),
        // Operator-defined extras: members with empty values are dropped; merged member by member.
        .value("custom", \.custom, absent: { _ in JSONObject() }, read: extras, merge: CallMerge.union),
        .value("vendor_meta", \.vendorMeta, absent: { _ in JSONObject() }, read: extras, merge: CallMerge.union),
    ]

    /// The names of `fields`, in order.
    package static let fieldNames: [String] = fields.map(\.text)

    /// Position of each field in `fieldNames`.
    package static let fieldIndex: [String: Int] = Dictionary(
        uniqueKeysWithValues: fieldNames.enumerated().map { ($0.element, $0.offset) })

    static func required<T>(_ key: String) throws(FieldError) -> T {
        throw FieldError(path: key, message: "missing (required)")
    }

    /// Tags: strings, with null and "" elements left out.
    static func tags(_ reader: FieldReader, _ key: String) throws(FieldError) -> [String] {
        try reader.elements(key) { (element) throws(FieldError) -> String? in
            if element.isNull || element == .string("") { return nil }
            return try FieldReader.text(element, path: "")
        }
    }

    static func extras(_ reader: FieldReader, _ key: String) throws(FieldError) -> JSONObject? {
        try reader.freeObject(key)?.withoutEmptyMembers()
    }
}
