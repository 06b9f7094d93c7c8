import CallGateFoundation

extension CallRecord {
    /// Canonical JSON: every field present, in the order of Docs/call-record.md; unknown values are
    /// `null`.
    public var json: JSONValue {
        var o = JSONObject()
        o.reserveCapacity(37)
        o.appendUnchecked("call_key", .string(callKey))
        o.appendUnchecked("vendor_call_id", .string(vendorCallId))
        o.appendUnchecked("leg_id", .optional(legId))
        o.appendUnchecked("previous_leg_id", .optional(previousLegId))
        o.appendUnchecked("thread_key", .optional(threadKey))
        o.appendUnchecked("tenant", .optional(tenant))
        o.appendUnchecked("direction", .string(direction.rawValue))
        o.appendUnchecked("leg_kind", .string(legKind.rawValue))
        o.appendUnchecked("status", .string(status.rawValue))
        o.appendUnchecked("outcome", .optional(outcome?.rawValue))
        o.appendUnchecked("outcome_reason", .optional(outcomeReason?.rawValue))
        o.appendUnchecked("from", from?.json ?? .null)
        o.appendUnchecked("to", to?.json ?? .null)
        o.appendUnchecked(
            "line", line.map { ["number": $0.number?.json ?? .null, "name": .optional($0.name)] } ?? .null)
        o.appendUnchecked(
            "customer",
            customer.map {
                [
                    "name": .optional($0.name), "company": .optional($0.company), "phone": $0.phone?.json ?? .null,
                    "external_id": .optional($0.externalId),
                ]
            } ?? .null)
        o.appendUnchecked(
            "agent",
            agent.map { ["id": .optional($0.id), "name": .optional($0.name), "email": .optional($0.email)] } ?? .null)
        o.appendUnchecked(
            "participants",
            .array(
                participants.map {
                    [
                        "id": .optional($0.id), "side": .optional($0.side?.rawValue), "role": .string($0.role.rawValue),
                        "name": .optional($0.name), "company": .optional($0.company), "phone": $0.phone?.json ?? .null,
                    ]
                }))
        o.appendUnchecked(
            "queue",
            queue.map { ["id": .optional($0.id), "name": .optional($0.name), "group": .optional($0.group)] } ?? .null)
        o.appendUnchecked("started_at", .time(startedAt))
        o.appendUnchecked("queued_at", .time(queuedAt))
        o.appendUnchecked("ringing_at", .time(ringingAt))
        o.appendUnchecked("answered_at", .time(answeredAt))
        o.appendUnchecked("ended_at", .time(endedAt))
        o.appendUnchecked(
            "durations",
            [
                "total": .optional(durations.total), "talk": .optional(durations.talk),
                "ring": .optional(durations.ring), "queue": .optional(durations.queue), "ivr": .optional(durations.ivr),
            ])
        o.appendUnchecked(
            "recording", recording.map { ["url": .string($0.url), "expires_at": .time($0.expiresAt)] } ?? .null)
        o.appendUnchecked(
            "transcript",
            transcript.map {
                [
                    "text": .optional($0.text),
                    "segments": .array(
                        $0.segments.map {
                            [
                                "participant_id": .optional($0.participantId), "role": .optional($0.role?.rawValue),
                                "start": .optional($0.start), "end": .optional($0.end), "text": .string($0.text),
                            ]
                        }),
                ]
            } ?? .null)
        o.appendUnchecked("summary", .optional(summary))
        o.appendUnchecked("dtmf", .optional(dtmf))
        o.appendUnchecked("tags", .array(tags.map { .string($0) }))
        o.appendUnchecked(
            "notes",
            .array(notes.map { ["text": .string($0.text), "author": .optional($0.author), "at": .time($0.at)] }))
        o.appendUnchecked("survey", .optional(survey))
        o.appendUnchecked("analytics", analytics.map { .object($0) } ?? .null)
        o.appendUnchecked("links", links.map { ["vendor_ui": .optional($0.vendorUI)] } ?? .null)
        o.appendUnchecked("custom", .object(custom))
        o.appendUnchecked("vendor_meta", .object(vendorMeta))
        return .object(o)
    }

    /// Position of each field in `fieldNames`.
    package static let fieldIndex: [String: Int] = Dictionary(
        uniqueKeysWithValues: fieldNames.enumerated().map { ($0.element, $0.offset) })

    /// Reads a record from a mapping's `call:` output given as one value per field of
    /// `fieldNames` (JSON null for fields the mapping does not set).
    package init(callSlots: [JSONValue], context: CoercionContext) throws(FieldError) {
        self = try FieldReader.nested("call") { () throws(FieldError) in
            try Self.decode(FieldReader(callSlots: callSlots, context: context))
        }
    }

    package static let fieldNames: [String] = [
        "call_key", "vendor_call_id", "leg_id", "previous_leg_id", "thread_key", "tenant", "direction", "leg_kind",
        "status", "outcome", "outcome_reason", "from", "to", "line", "customer", "agent", "participants", "queue",
        "started_at", "queued_at", "ringing_at", "answered_at", "ended_at", "durations", "recording", "transcript",
        "summary", "dtmf", "tags", "notes", "survey", "analytics", "links", "custom", "vendor_meta",
    ]

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
        var c = CallRecord(
            callKey: try r.string("call_key") ?? "", vendorCallId: try r.requiredString("vendor_call_id"),
            direction: try r.requiredVocabulary("direction", CallDirection.self),
            legKind: try r.requiredVocabulary("leg_kind", LegKind.self),
            status: try r.requiredVocabulary("status", CallStatus.self))
        c.legId = try r.string("leg_id")
        c.previousLegId = try r.string("previous_leg_id")
        c.threadKey = try r.string("thread_key")
        c.tenant = try r.string("tenant")
        c.outcome = try r.vocabulary("outcome", CallOutcome.self)
        c.outcomeReason = try r.vocabulary("outcome_reason", OutcomeReason.self)
        if c.status != .ended, c.outcome != nil || c.outcomeReason != nil {
            throw FieldError(
                path: c.outcome != nil ? "outcome" : "outcome_reason",
                message: "set while status is '\(c.status)'; an outcome is known only once the call ended")
        }
        c.from = try r.phone("from")
        c.to = try r.phone("to")
        c.line = try r.object("line") { (l) throws(FieldError) -> Line? in
            try l.rejectUnknown(["number", "name"])
            let value = Line(number: try l.phone("number"), name: try l.string("name"))
            return value.number == nil && value.name == nil ? nil : value
        }
        c.customer = try r.object("customer") { (o) throws(FieldError) -> Customer? in
            try o.rejectUnknown(["name", "company", "phone", "external_id"])
            let value = Customer(
                name: try o.string("name"), company: try o.string("company"), phone: try o.phone("phone"),
                externalId: try o.string("external_id"))
            return value == Customer() ? nil : value
        }
        c.agent = try r.object("agent") { (a) throws(FieldError) -> Agent? in
            try a.rejectUnknown(["id", "name", "email"])
            let value = Agent(id: try a.string("id"), name: try a.string("name"), email: try a.string("email"))
            return value == Agent() ? nil : value
        }
        c.participants = try r.objects("participants") { (p) throws(FieldError) -> Participant? in
            try p.rejectUnknown(["id", "side", "role", "name", "company", "phone"])
            return Participant(
                id: try p.string("id"), side: try p.vocabulary("side", ParticipantSide.self),
                role: try p.requiredVocabulary("role", ParticipantRole.self), name: try p.string("name"),
                company: try p.string("company"), phone: try p.phone("phone"))
        }
        c.queue = try r.object("queue") { (q) throws(FieldError) -> Queue? in
            try q.rejectUnknown(["id", "name", "group"])
            let value = Queue(id: try q.string("id"), name: try q.string("name"), group: try q.string("group"))
            return value == Queue() ? nil : value
        }
        c.startedAt = try r.time("started_at")
        c.queuedAt = try r.time("queued_at")
        c.ringingAt = try r.time("ringing_at")
        c.answeredAt = try r.time("answered_at")
        c.endedAt = try r.time("ended_at")
        c.durations =
            try r.object("durations") { (d) throws(FieldError) -> Durations? in
                try d.rejectUnknown(["total", "talk", "ring", "queue", "ivr"])
                return Durations(
                    total: try d.number("total"), talk: try d.number("talk"), ring: try d.number("ring"),
                    queue: try d.number("queue"), ivr: try d.number("ivr"))
            } ?? Durations()
        c.recording = try r.object("recording") { (rec) throws(FieldError) -> Recording? in
            try rec.rejectUnknown(["url", "expires_at"])
            guard let url = try rec.string("url") else { return nil }
            return Recording(url: url, expiresAt: try rec.time("expires_at"))
        }
        c.transcript = try r.object("transcript") { (t) throws(FieldError) -> Transcript? in
            try t.rejectUnknown(["text", "segments"])
            let segments = try t.objects("segments") { (s) throws(FieldError) -> Transcript.Segment? in
                try s.rejectUnknown(["participant_id", "role", "start", "end", "text"])
                // Recognizers emit empty phrases; they carry nothing, so they are left out.
                guard let text = try s.string("text") else { return nil }
                return Transcript.Segment(
                    participantId: try s.string("participant_id"), role: try s.vocabulary("role", ParticipantRole.self),
                    start: try s.number("start"), end: try s.number("end"), text: text)
            }
            let value = Transcript(text: try t.string("text"), segments: segments)
            return value.text == nil && segments.isEmpty ? nil : value
        }
        c.summary = try r.string("summary")
        c.dtmf = try r.string("dtmf")
        c.tags = try r.elements("tags") { (element) throws(FieldError) -> String? in
            if element.isNull || element == .string("") { return nil }
            return try FieldReader.text(element, path: "")
        }
        c.notes = try r.objects("notes") { (n) throws(FieldError) -> Note? in
            try n.rejectUnknown(["text", "author", "at"])
            guard let text = try n.string("text") else { return nil }
            return Note(text: text, author: try n.string("author"), at: try n.time("at"))
        }
        c.survey = try r.string("survey")
        c.analytics = try r.freeObject("analytics")
        c.links = try r.object("links") { (l) throws(FieldError) -> Links? in
            try l.rejectUnknown(["vendor_ui"])
            return try l.string("vendor_ui").map(Links.init(vendorUI:))
        }
        c.custom = try r.freeObject("custom")?.withoutEmptyMembers() ?? JSONObject()
        c.vendorMeta = try r.freeObject("vendor_meta")?.withoutEmptyMembers() ?? JSONObject()
        return c
    }
}

extension JSONValue {
    @inlinable package static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    @inlinable static func optional(_ d: Double?) -> JSONValue { d.map { .double($0) } ?? .null }
    static func time(_ t: Timestamp?) -> JSONValue { t.map { .string($0.description) } ?? .null }
}
