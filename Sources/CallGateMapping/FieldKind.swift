import CallGateFoundation
import CallGateModel

/// What the canonical record expects in a field, so a mapping is checked against the model when
/// it is loaded: unknown fields and enum targets outside the vocabulary fail at start-up, not on
/// the first call.
indirect enum FieldKind: Sendable {
    case any
    case string
    case number
    case time
    case phone
    case vocabulary(name: String, allowed: [String])
    case object([(String, FieldKind)])
    /// An object with operator-defined keys (`custom`, `vendor_meta`, `analytics`).
    case freeObject
    case array(FieldKind)

    static func vocabulary<V: Vocabulary>(_ type: V.Type) -> FieldKind {
        .vocabulary(name: V.vocabularyName, allowed: V.all.map(\.rawValue))
    }

    var elementKind: FieldKind {
        if case .array(let element) = self { return element }
        return .any
    }

    var fieldNames: [String]? {
        if case .object(let fields) = self { return fields.map(\.0) }
        return nil
    }

    func field(_ name: String) -> FieldKind? {
        if case .object(let fields) = self { return fields.first { $0.0 == name }?.1 }
        return nil
    }

    /// The mappable fields of `call:` (everything but the computed `call_key`).
    static let callRecord: FieldKind = .object([
        ("vendor_call_id", .string), ("leg_id", .string), ("previous_leg_id", .string), ("thread_key", .string),
        ("tenant", .string), ("direction", .vocabulary(CallDirection.self)), ("leg_kind", .vocabulary(LegKind.self)),
        ("status", .vocabulary(CallStatus.self)), ("outcome", .vocabulary(CallOutcome.self)),
        ("outcome_reason", .vocabulary(OutcomeReason.self)), ("from", .phone), ("to", .phone),
        ("line", .object([("number", .phone), ("name", .string)])),
        ("customer", .object([("name", .string), ("company", .string), ("phone", .phone), ("external_id", .string)])),
        ("agent", .object([("id", .string), ("name", .string), ("email", .string)])),
        (
            "participants",
            .array(
                .object([
                    ("id", .string), ("side", .vocabulary(ParticipantSide.self)),
                    ("role", .vocabulary(ParticipantRole.self)), ("name", .string), ("company", .string),
                    ("phone", .phone),
                ]))
        ),
        ("queue", .object([("id", .string), ("name", .string), ("group", .string)])),
        ("started_at", .time), ("queued_at", .time), ("ringing_at", .time), ("answered_at", .time),
        ("ended_at", .time),
        (
            "durations",
            .object([("total", .number), ("talk", .number), ("ring", .number), ("queue", .number), ("ivr", .number)])
        ),
        ("recording", .object([("url", .string), ("expires_at", .time)])),
        (
            "transcript",
            .object([
                ("text", .string),
                (
                    "segments",
                    .array(
                        .object([
                            ("participant_id", .string), ("role", .vocabulary(ParticipantRole.self)),
                            ("start", .number), ("end", .number), ("text", .string),
                        ]))
                ),
            ])
        ),
        ("summary", .string), ("dtmf", .string), ("tags", .array(.string)),
        ("notes", .array(.object([("text", .string), ("author", .string), ("at", .time)]))),
        ("survey", .string), ("analytics", .freeObject), ("links", .object([("vendor_ui", .string)])),
        ("custom", .freeObject), ("vendor_meta", .freeObject),
    ])
}
