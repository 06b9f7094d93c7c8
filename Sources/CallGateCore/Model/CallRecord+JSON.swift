extension CallRecord {
    /// Canonical JSON: every field present in SPEC order; unknown values are `null`.
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
        o.appendUnchecked("line", line.map { ["number": $0.number?.json ?? .null, "name": .optional($0.name)] } ?? .null)
        o.appendUnchecked(
            "customer",
            customer.map {
                [
                    "name": .optional($0.name), "company": .optional($0.company), "phone": $0.phone?.json ?? .null,
                    "external_id": .optional($0.externalId),
                ]
            } ?? .null)
        o.appendUnchecked(
            "agent", agent.map { ["id": .optional($0.id), "name": .optional($0.name), "email": .optional($0.email)] } ?? .null)
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
            "queue", queue.map { ["id": .optional($0.id), "name": .optional($0.name), "group": .optional($0.group)] } ?? .null)
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
        o.appendUnchecked("recording", recording.map { ["url": .string($0.url), "expires_at": .time($0.expiresAt)] } ?? .null)
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
            "notes", .array(notes.map { ["text": .string($0.text), "author": .optional($0.author), "at": .time($0.at)] }))
        o.appendUnchecked("survey", .optional(survey))
        o.appendUnchecked("analytics", analytics.map { .object($0) } ?? .null)
        o.appendUnchecked("links", links.map { ["vendor_ui": .optional($0.vendorUI)] } ?? .null)
        o.appendUnchecked("custom", .object(custom))
        o.appendUnchecked("vendor_meta", .object(vendorMeta))
        return .object(o)
    }

    static let fieldNames: Set<String> = [
        "call_key", "vendor_call_id", "leg_id", "previous_leg_id", "thread_key", "tenant", "direction", "leg_kind",
        "status", "outcome", "outcome_reason", "from", "to", "line", "customer", "agent", "participants", "queue",
        "started_at", "queued_at", "ringing_at", "answered_at", "ended_at", "durations", "recording", "transcript",
        "summary", "dtmf", "tags", "notes", "survey", "analytics", "links", "custom", "vendor_meta",
    ]

    /// Reads a record from a mapping's output (or a stored event), coercing vendor strings in
    /// time and phone fields, and checking every rule of the canonical model.
    /// - Throws: `FieldError` naming the first offending field.
    public init(json: JSONValue, context: CoercionContext, path: String = "call") throws(FieldError) {
        let r = try FieldReader(json, path: path, context: context)
        try r.rejectUnknown(Self.fieldNames)
        self.init(
            callKey: try r.string("call_key") ?? "", vendorCallId: try r.requiredString("vendor_call_id"),
            direction: try r.requiredVocabulary("direction", CallDirection.self),
            legKind: try r.requiredVocabulary("leg_kind", LegKind.self),
            status: try r.requiredVocabulary("status", CallStatus.self))
        legId = try r.string("leg_id")
        previousLegId = try r.string("previous_leg_id")
        threadKey = try r.string("thread_key")
        tenant = try r.string("tenant")
        outcome = try r.vocabulary("outcome", CallOutcome.self)
        outcomeReason = try r.vocabulary("outcome_reason", OutcomeReason.self)
        if status != .ended, outcome != nil || outcomeReason != nil {
            throw FieldError(
                path: r.sub(outcome != nil ? "outcome" : "outcome_reason"),
                message: "set while status is '\(status)'; an outcome is known only once the call ended")
        }
        from = try r.phone("from")
        to = try r.phone("to")
        if let l = try r.reader("line") {
            try l.rejectUnknown(["number", "name"])
            let value = Line(number: try l.phone("number"), name: try l.string("name"))
            line = value.number == nil && value.name == nil ? nil : value
        }
        if let c = try r.reader("customer") {
            try c.rejectUnknown(["name", "company", "phone", "external_id"])
            let value = Customer(
                name: try c.string("name"), company: try c.string("company"), phone: try c.phone("phone"),
                externalId: try c.string("external_id"))
            customer = value == Customer() ? nil : value
        }
        if let a = try r.reader("agent") {
            try a.rejectUnknown(["id", "name", "email"])
            let value = Agent(id: try a.string("id"), name: try a.string("name"), email: try a.string("email"))
            agent = value == Agent() ? nil : value
        }
        for (element, elementPath) in try r.elements("participants") {
            let p = try FieldReader(element, path: elementPath, context: context)
            try p.rejectUnknown(["id", "side", "role", "name", "company", "phone"])
            participants.append(
                Participant(
                    id: try p.string("id"), side: try p.vocabulary("side", ParticipantSide.self),
                    role: try p.requiredVocabulary("role", ParticipantRole.self), name: try p.string("name"),
                    company: try p.string("company"), phone: try p.phone("phone")))
        }
        if let q = try r.reader("queue") {
            try q.rejectUnknown(["id", "name", "group"])
            let value = Queue(id: try q.string("id"), name: try q.string("name"), group: try q.string("group"))
            queue = value == Queue() ? nil : value
        }
        startedAt = try r.time("started_at")
        queuedAt = try r.time("queued_at")
        ringingAt = try r.time("ringing_at")
        answeredAt = try r.time("answered_at")
        endedAt = try r.time("ended_at")
        if let d = try r.reader("durations") {
            try d.rejectUnknown(["total", "talk", "ring", "queue", "ivr"])
            durations = Durations(
                total: try d.number("total"), talk: try d.number("talk"), ring: try d.number("ring"),
                queue: try d.number("queue"), ivr: try d.number("ivr"))
        }
        if let rec = try r.reader("recording") {
            try rec.rejectUnknown(["url", "expires_at"])
            if let url = try rec.string("url") { recording = Recording(url: url, expiresAt: try rec.time("expires_at")) }
        }
        if let t = try r.reader("transcript") {
            try t.rejectUnknown(["text", "segments"])
            var segments: [Transcript.Segment] = []
            for (element, elementPath) in try t.elements("segments") {
                let s = try FieldReader(element, path: elementPath, context: context)
                try s.rejectUnknown(["participant_id", "role", "start", "end", "text"])
                // Recognizers emit empty phrases; they carry nothing, so they are left out.
                guard let text = try s.string("text") else { continue }
                segments.append(
                    Transcript.Segment(
                        participantId: try s.string("participant_id"), role: try s.vocabulary("role", ParticipantRole.self),
                        start: try s.number("start"), end: try s.number("end"), text: text))
            }
            let value = Transcript(text: try t.string("text"), segments: segments)
            transcript = value.text == nil && segments.isEmpty ? nil : value
        }
        summary = try r.string("summary")
        dtmf = try r.string("dtmf")
        for (element, elementPath) in try r.elements("tags") {
            if element.isNull || element == .string("") { continue }
            tags.append(try FieldReader.text(element, path: elementPath))
        }
        for (element, elementPath) in try r.elements("notes") {
            let n = try FieldReader(element, path: elementPath, context: context)
            try n.rejectUnknown(["text", "author", "at"])
            guard let text = try n.string("text") else { continue }
            notes.append(Note(text: text, author: try n.string("author"), at: try n.time("at")))
        }
        survey = try r.string("survey")
        analytics = try r.freeObject("analytics")
        if let l = try r.reader("links") {
            try l.rejectUnknown(["vendor_ui"])
            if let ui = try l.string("vendor_ui") { links = Links(vendorUI: ui) }
        }
        custom = try r.freeObject("custom") ?? JSONObject()
        vendorMeta = try r.freeObject("vendor_meta") ?? JSONObject()
    }
}

extension JSONValue {
    @inlinable static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    @inlinable static func optional(_ d: Double?) -> JSONValue { d.map { .double($0) } ?? .null }
    static func time(_ t: Timestamp?) -> JSONValue { t.map { .string($0.description) } ?? .null }
}
