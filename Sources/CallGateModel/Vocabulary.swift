import CallGateFoundation

/// A closed set of string values (an enum of the canonical record), modelled as a struct with
/// static members so the set can grow without breaking source compatibility.
public protocol Vocabulary: RawRepresentable, Sendable, Hashable, CustomStringConvertible
where RawValue == String {
    /// Every permitted value, in documentation order.
    static var all: [Self] { get }
    /// What the vocabulary is called in error messages (`direction`, `event type`).
    static var vocabularyName: String { get }
    init(rawValue: String)
}

extension Vocabulary {
    public var description: String { rawValue }

    /// The value named `raw`, or `nil` when it is not part of the vocabulary.
    public init?(validating raw: String) {
        let candidate = Self(rawValue: raw)
        guard Self.all.contains(candidate) else { return nil }
        self = candidate
    }

    /// "one of a, b, c" for error messages.
    public static var choices: String { all.map(\.rawValue).joined(separator: ", ") }
}

/// `call.direction`, from the customer's point of view.
public struct CallDirection: Vocabulary {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let inbound = Self(rawValue: "inbound")
    public static let outbound = Self(rawValue: "outbound")
    public static let `internal` = Self(rawValue: "internal")
    public static let unknown = Self(rawValue: "unknown")
    public static let all: [Self] = [.inbound, .outbound, .internal, .unknown]
    public static let vocabularyName = "direction"
}

/// `call.leg_kind`.
public struct LegKind: Vocabulary {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let all: [Self] = [
        "normal", "transfer", "forward", "consult", "conference", "monitor", "barge", "takeover", "queue", "ivr",
        "voicemail", "predictive", "callback",
    ].map(Self.init(rawValue:))
    public static let normal = Self(rawValue: "normal")
    public static let vocabularyName = "leg kind"
}

/// `call.status`; it only moves forward in this order.
public struct CallStatus: Vocabulary, Comparable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let ringing = Self(rawValue: "ringing")
    public static let queued = Self(rawValue: "queued")
    public static let inProgress = Self(rawValue: "in_progress")
    public static let ended = Self(rawValue: "ended")
    public static let all: [Self] = [.ringing, .queued, .inProgress, .ended]
    public static let vocabularyName = "status"

    public static func < (a: Self, b: Self) -> Bool {
        (all.firstIndex(of: a) ?? 0) < (all.firstIndex(of: b) ?? 0)
    }
}

/// `call.outcome`; set only once the call ended.
public struct CallOutcome: Vocabulary {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let answered = Self(rawValue: "answered")
    public static let noAnswer = Self(rawValue: "no_answer")
    public static let abandoned = Self(rawValue: "abandoned")
    public static let voicemail = Self(rawValue: "voicemail")
    public static let all: [Self] = [
        "answered", "no_answer", "busy", "rejected", "failed", "canceled", "abandoned", "voicemail", "unknown",
    ].map(Self.init(rawValue:))
    public static let vocabularyName = "outcome"
}

/// `call.outcome_reason`.
public struct OutcomeReason: Vocabulary {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let all: [Self] = [
        "agent_no_answer", "customer_no_answer", "queue_timeout", "queue_abandoned", "ivr_abandoned", "quick_hangup",
        "no_queue_selected", "endpoint_offline", "agent_rejected", "customer_hangup", "agent_hangup",
    ].map(Self.init(rawValue:))
    public static let vocabularyName = "outcome reason"
}

/// `type` of an event (Docs/call-record.md, "Event types").
public struct EventType: Vocabulary {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let started = Self(rawValue: "call.started")
    public static let ringing = Self(rawValue: "call.ringing")
    public static let queued = Self(rawValue: "call.queued")
    public static let answered = Self(rawValue: "call.answered")
    public static let transferred = Self(rawValue: "call.transferred")
    public static let ended = Self(rawValue: "call.ended")
    public static let completed = Self(rawValue: "call.completed")
    public static let voicemail = Self(rawValue: "call.voicemail")
    public static let recordingAvailable = Self(rawValue: "call.recording.available")
    public static let transcriptAvailable = Self(rawValue: "call.transcript.available")
    public static let summaryAvailable = Self(rawValue: "call.summary.available")
    public static let ivrInput = Self(rawValue: "call.ivr.input")
    public static let updated = Self(rawValue: "call.updated")
    public static let all: [Self] = [
        .started, .ringing, .queued, .answered, .transferred, .ended, .completed, .voicemail, .recordingAvailable,
        .transcriptAvailable, .summaryAvailable, .ivrInput, .updated,
    ]
    public static let vocabularyName = "event type"
}

/// Where an event's `time` came from.
public struct TimeSource: Vocabulary {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let payload = Self(rawValue: "payload")
    public static let receipt = Self(rawValue: "receipt")
    public static let all: [Self] = [.payload, .receipt]
    public static let vocabularyName = "time source"
}

/// A participant's `side` of the call.
public struct ParticipantSide: Vocabulary {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let from = Self(rawValue: "from")
    public static let to = Self(rawValue: "to")
    public static let all: [Self] = [.from, .to]
    public static let vocabularyName = "participant side"
}

/// A participant's or transcript speaker's `role`.
public struct ParticipantRole: Vocabulary {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let agent = Self(rawValue: "agent")
    public static let customer = Self(rawValue: "customer")
    public static let other = Self(rawValue: "other")
    public static let all: [Self] = [.agent, .customer, .other]
    public static let vocabularyName = "participant role"
}

extension PhonePresentation: Vocabulary {
    public static let vocabularyName = "presentation"
}
