import CallGateFoundation

extension CallRecord {
    /// Every field of the record, once, in canonical order (Docs/call-record.md). This table drives
    /// the canonical JSON (`encode(into:)`, `json`), reading (`init(json:context:)`, mapping
    /// output), the field names a mapping may set (`FieldKind.callRecord`) and the merge of one
    /// call's events (`CallMerge`).
    package static let fields: [RecordField] = [
        // Derived from the source and vendor_call_id (EventIdentity); a merge keeps the stored one.
        .value("call_key", { $0.callKey }, { $0.callKey = $1 }, absent: { _ in "" }, merge: { stored, _ in stored }),
        .value(
            "vendor_call_id", { $0.vendorCallId }, { $0.vendorCallId = $1 }, absent: required,
            merge: { _, incoming in incoming }),
        .optional("leg_id", { $0.legId }, { $0.legId = $1 }),
        .optional("previous_leg_id", { $0.previousLegId }, { $0.previousLegId = $1 }),
        .optional("thread_key", { $0.threadKey }, { $0.threadKey = $1 }),
        .optional("tenant", { $0.tenant }, { $0.tenant = $1 }),
        // A known direction is not overwritten by `unknown`.
        .value(
            "direction", { $0.direction }, { $0.direction = $1 }, absent: required,
            merge: { s, i in i != .unknown ? i : s }),
        // A specific leg kind (queue, transfer, …) is not overwritten by the plain one.
        .value(
            "leg_kind", { $0.legKind }, { $0.legKind = $1 }, absent: required,
            merge: { s, i in i != .normal || s == .normal ? i : s }),
        // Only moves forward: ringing → queued → in_progress → ended.
        .value("status", { $0.status }, { $0.status = $1 }, absent: required, merge: { s, i in max(s, i) }),
        // Only events that end the call set these (`CallMerge.merge`, after every other field).
        .optional("outcome", { $0.outcome }, { $0.outcome = $1 }, merge: { stored, _ in stored }),
        .optional("outcome_reason", { $0.outcomeReason }, { $0.outcomeReason = $1 }, merge: { stored, _ in stored }),
        .optional("from", { $0.from }, { $0.from = $1 }),
        .optional("to", { $0.to }, { $0.to = $1 }),
        .optional("line", { $0.line }, { $0.line = $1 }, merge: Line.merged),
        .optional("customer", { $0.customer }, { $0.customer = $1 }, merge: Customer.merged),
        .optional("agent", { $0.agent }, { $0.agent = $1 }, merge: Agent.merged),
        .list(
            "participants", { $0.participants }, { $0.participants = $1 }, element: Participant.elements,
            merge: CallMerge.participants),
        .optional("queue", { $0.queue }, { $0.queue = $1 }, merge: Queue.merged),
        // The earliest known time of each step wins, the latest end.
        .optional("started_at", { $0.startedAt }, { $0.startedAt = $1 }, merge: CallMerge.earliest),
        .optional("queued_at", { $0.queuedAt }, { $0.queuedAt = $1 }, merge: CallMerge.earliest),
        .optional("ringing_at", { $0.ringingAt }, { $0.ringingAt = $1 }, merge: CallMerge.earliest),
        .optional("answered_at", { $0.answeredAt }, { $0.answeredAt = $1 }, merge: CallMerge.earliest),
        .optional("ended_at", { $0.endedAt }, { $0.endedAt = $1 }, merge: CallMerge.latest),
        .value(
            "durations", { $0.durations }, { $0.durations = $1 }, absent: { _ in Durations() }, merge: Durations.merged),
        .optional("recording", { $0.recording }, { $0.recording = $1 }),
        .optional("transcript", { $0.transcript }, { $0.transcript = $1 }),
        .optional("summary", { $0.summary }, { $0.summary = $1 }),
        .optional("dtmf", { $0.dtmf }, { $0.dtmf = $1 }),
        .list("tags", { $0.tags }, { $0.tags = $1 }, element: tags),
        .list("notes", { $0.notes }, { $0.notes = $1 }, element: Note.elements),
        .optional("survey", { $0.survey }, { $0.survey = $1 }),
        .optional("analytics", { $0.analytics }, { $0.analytics = $1 }),
        .optional("links", { $0.links }, { $0.links = $1 }),
        // Operator-defined extras: members with empty values are dropped; merged member by member.
        .value(
            "custom", { $0.custom }, { $0.custom = $1 }, absent: { _ in JSONObject() }, read: extras,
            merge: CallMerge.union),
        .value(
            "vendor_meta", { $0.vendorMeta }, { $0.vendorMeta = $1 }, absent: { _ in JSONObject() }, read: extras,
            merge: CallMerge.union),
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
