import CallGateFoundation

// How each kind of value in the call record is written (canonical JSON bytes and tree) and read:
// the scalars, the vocabularies, and the objects with fixed members, each declared here once.

extension String: RecordValue {
    static var kind: FieldKind { .string }
    func write(into e: inout EventEncoder) { e.string(self) }
    var tree: JSONValue { .string(self) }
    static func read(_ reader: FieldReader, _ key: String) throws(FieldError) -> String? { try reader.string(key) }
}

extension Double: RecordValue {
    static var kind: FieldKind { .number }
    func write(into e: inout EventEncoder) { e.number(self) }
    var tree: JSONValue { .double(self) }
    static func read(_ reader: FieldReader, _ key: String) throws(FieldError) -> Double? { try reader.number(key) }
}

extension Timestamp: RecordValue {
    static var kind: FieldKind { .time }
    func write(into e: inout EventEncoder) { e.time(self) }
    var tree: JSONValue { .string(description) }
    static func read(_ reader: FieldReader, _ key: String) throws(FieldError) -> Timestamp? { try reader.time(key) }
}

extension PhoneNumber: RecordValue {
    static var kind: FieldKind { .phone }
    func write(into e: inout EventEncoder) { e.phone(self) }
    var tree: JSONValue { json }
    static func read(_ reader: FieldReader, _ key: String) throws(FieldError) -> PhoneNumber? {
        try reader.phone(key)
    }
}

extension JSONObject: RecordValue {
    static var kind: FieldKind { .freeObject }
    func write(into e: inout EventEncoder) { e.value(.object(self)) }
    var tree: JSONValue { .object(self) }
    static func read(_ reader: FieldReader, _ key: String) throws(FieldError) -> JSONObject? {
        try reader.freeObject(key)
    }
}

extension CallDirection: RecordValue {}
extension LegKind: RecordValue {}
extension CallStatus: RecordValue {}
extension CallOutcome: RecordValue {}
extension OutcomeReason: RecordValue {}
extension ParticipantSide: RecordValue {}
extension ParticipantRole: RecordValue {}

extension CallRecord.Line: RecordObject {
    static let members: [(String, FieldKind)] = [("number", .phone), ("name", .string)]

    func write(into e: inout EventEncoder) {
        e.open()
        e.key("number")
        e.phone(number)
        e.field("name", name)
        e.close()
    }

    var tree: JSONValue { ["number": number?.json ?? .null, "name": .optional(name)] }

    static func read(object o: FieldReader) throws(FieldError) -> Self? {
        let value = Self(number: try o.phone("number"), name: try o.string("name"))
        return value.number == nil && value.name == nil ? nil : value
    }

    /// Member by member, the incoming value when known.
    static func merged(_ stored: Self?, _ incoming: Self?) -> Self? {
        CallMerge.merged(stored, incoming) { s, i in Self(number: i.number ?? s.number, name: i.name ?? s.name) }
    }
}

extension CallRecord.Customer: RecordObject {
    static let members: [(String, FieldKind)] = [
        ("name", .string), ("company", .string), ("phone", .phone), ("external_id", .string),
    ]

    func write(into e: inout EventEncoder) {
        e.open()
        e.field("name", name)
        e.field("company", company)
        e.key("phone")
        e.phone(phone)
        e.field("external_id", externalId)
        e.close()
    }

    var tree: JSONValue {
        [
            "name": .optional(name), "company": .optional(company), "phone": phone?.json ?? .null,
            "external_id": .optional(externalId),
        ]
    }

    static func read(object o: FieldReader) throws(FieldError) -> Self? {
        let value = Self(
            name: try o.string("name"), company: try o.string("company"), phone: try o.phone("phone"),
            externalId: try o.string("external_id"))
        return value == Self() ? nil : value
    }

    static func merged(_ stored: Self?, _ incoming: Self?) -> Self? {
        CallMerge.merged(stored, incoming) { s, i in
            Self(
                name: i.name ?? s.name, company: i.company ?? s.company, phone: i.phone ?? s.phone,
                externalId: i.externalId ?? s.externalId)
        }
    }
}

extension CallRecord.Agent: RecordObject {
    static let members: [(String, FieldKind)] = [("id", .string), ("name", .string), ("email", .string)]

    func write(into e: inout EventEncoder) {
        e.open()
        e.field("id", id)
        e.field("name", name)
        e.field("email", email)
        e.close()
    }

    var tree: JSONValue { ["id": .optional(id), "name": .optional(name), "email": .optional(email)] }

    static func read(object o: FieldReader) throws(FieldError) -> Self? {
        let value = Self(id: try o.string("id"), name: try o.string("name"), email: try o.string("email"))
        return value == Self() ? nil : value
    }

    static func merged(_ stored: Self?, _ incoming: Self?) -> Self? {
        CallMerge.merged(stored, incoming) { s, i in
            Self(id: i.id ?? s.id, name: i.name ?? s.name, email: i.email ?? s.email)
        }
    }
}

extension CallRecord.Participant: RecordObject {
    static let members: [(String, FieldKind)] = [
        ("id", .string), ("side", .vocabulary(ParticipantSide.self)), ("role", .vocabulary(ParticipantRole.self)),
        ("name", .string), ("company", .string), ("phone", .phone),
    ]

    func write(into e: inout EventEncoder) {
        e.open()
        e.field("id", id)
        e.field("side", side?.rawValue)
        e.field("role", role.rawValue)
        e.field("name", name)
        e.field("company", company)
        e.key("phone")
        e.phone(phone)
        e.close()
    }

    var tree: JSONValue {
        [
            "id": .optional(id), "side": .optional(side?.rawValue), "role": .string(role.rawValue),
            "name": .optional(name), "company": .optional(company), "phone": phone?.json ?? .null,
        ]
    }

    static func read(object p: FieldReader) throws(FieldError) -> Self? {
        Self(
            id: try p.string("id"), side: try p.vocabulary("side", ParticipantSide.self),
            role: try p.requiredVocabulary("role", ParticipantRole.self), name: try p.string("name"),
            company: try p.string("company"), phone: try p.phone("phone"))
    }
}

extension CallRecord.Queue: RecordObject {
    static let members: [(String, FieldKind)] = [("id", .string), ("name", .string), ("group", .string)]

    func write(into e: inout EventEncoder) {
        e.open()
        e.field("id", id)
        e.field("name", name)
        e.field("group", group)
        e.close()
    }

    var tree: JSONValue { ["id": .optional(id), "name": .optional(name), "group": .optional(group)] }

    static func read(object q: FieldReader) throws(FieldError) -> Self? {
        let value = Self(id: try q.string("id"), name: try q.string("name"), group: try q.string("group"))
        return value == Self() ? nil : value
    }

    static func merged(_ stored: Self?, _ incoming: Self?) -> Self? {
        CallMerge.merged(stored, incoming) { s, i in
            Self(id: i.id ?? s.id, name: i.name ?? s.name, group: i.group ?? s.group)
        }
    }
}

extension CallRecord.Durations: RecordObject {
    static let members: [(String, FieldKind)] = [
        ("total", .number), ("talk", .number), ("ring", .number), ("queue", .number), ("ivr", .number),
    ]

    func write(into e: inout EventEncoder) {
        e.open()
        e.key("total")
        e.number(total)
        e.key("talk")
        e.number(talk)
        e.key("ring")
        e.number(ring)
        e.key("queue")
        e.number(queue)
        e.key("ivr")
        e.number(ivr)
        e.close()
    }

    var tree: JSONValue {
        [
            "total": .optional(total), "talk": .optional(talk), "ring": .optional(ring), "queue": .optional(queue),
            "ivr": .optional(ivr),
        ]
    }

    static func read(object d: FieldReader) throws(FieldError) -> Self? {
        Self(
            total: try d.number("total"), talk: try d.number("talk"), ring: try d.number("ring"),
            queue: try d.number("queue"), ivr: try d.number("ivr"))
    }

    /// Each duration the incoming record knows, else the stored one (recomputed from the merged
    /// times afterwards).
    static func merged(_ s: Self, _ i: Self) -> Self {
        Self(
            total: i.total ?? s.total, talk: i.talk ?? s.talk, ring: i.ring ?? s.ring, queue: i.queue ?? s.queue,
            ivr: i.ivr ?? s.ivr)
    }
}

extension CallRecord.Recording: RecordObject {
    static let members: [(String, FieldKind)] = [("url", .string), ("expires_at", .time)]

    func write(into e: inout EventEncoder) {
        e.open()
        e.field("url", url)
        e.key("expires_at")
        e.time(expiresAt)
        e.close()
    }

    var tree: JSONValue { ["url": .string(url), "expires_at": .time(expiresAt)] }

    static func read(object r: FieldReader) throws(FieldError) -> Self? {
        guard let url = try r.string("url") else { return nil }
        return Self(url: url, expiresAt: try r.time("expires_at"))
    }
}

extension CallRecord.Transcript.Segment: RecordObject {
    static let members: [(String, FieldKind)] = [
        ("participant_id", .string), ("role", .vocabulary(ParticipantRole.self)), ("start", .number),
        ("end", .number), ("text", .string),
    ]

    func write(into e: inout EventEncoder) {
        e.open()
        e.field("participant_id", participantId)
        e.field("role", role?.rawValue)
        e.key("start")
        e.number(start)
        e.key("end")
        e.number(end)
        e.field("text", text)
        e.close()
    }

    var tree: JSONValue {
        [
            "participant_id": .optional(participantId), "role": .optional(role?.rawValue), "start": .optional(start),
            "end": .optional(end), "text": .string(text),
        ]
    }

    static func read(object s: FieldReader) throws(FieldError) -> Self? {
        // Recognizers emit empty phrases; they carry nothing, so they are left out.
        guard let text = try s.string("text") else { return nil }
        return Self(
            participantId: try s.string("participant_id"), role: try s.vocabulary("role", ParticipantRole.self),
            start: try s.number("start"), end: try s.number("end"), text: text)
    }
}

extension CallRecord.Transcript: RecordObject {
    static let members: [(String, FieldKind)] = [("text", .string), ("segments", .array(Segment.kind))]

    func write(into e: inout EventEncoder) {
        e.open()
        e.field("text", text)
        e.key("segments")
        e.array(segments) { e, segment in segment.write(into: &e) }
        e.close()
    }

    var tree: JSONValue { ["text": .optional(text), "segments": .array(segments.map(\.tree))] }

    static func read(object t: FieldReader) throws(FieldError) -> Self? {
        let segments = try Segment.elements(t, "segments")
        let value = Self(text: try t.string("text"), segments: segments)
        return value.text == nil && segments.isEmpty ? nil : value
    }
}

extension CallRecord.Note: RecordObject {
    static let members: [(String, FieldKind)] = [("text", .string), ("author", .string), ("at", .time)]

    func write(into e: inout EventEncoder) {
        e.open()
        e.field("text", text)
        e.field("author", author)
        e.key("at")
        e.time(at)
        e.close()
    }

    var tree: JSONValue { ["text": .string(text), "author": .optional(author), "at": .time(at)] }

    static func read(object n: FieldReader) throws(FieldError) -> Self? {
        guard let text = try n.string("text") else { return nil }
        return Self(text: text, author: try n.string("author"), at: try n.time("at"))
    }
}

extension CallRecord.Links: RecordObject {
    static let members: [(String, FieldKind)] = [("vendor_ui", .string)]

    func write(into e: inout EventEncoder) {
        e.open()
        e.field("vendor_ui", vendorUI)
        e.close()
    }

    var tree: JSONValue { ["vendor_ui": .optional(vendorUI)] }

    static func read(object l: FieldReader) throws(FieldError) -> Self? {
        try l.string("vendor_ui").map(Self.init(vendorUI:))
    }
}
