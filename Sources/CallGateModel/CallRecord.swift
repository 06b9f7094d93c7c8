import CallGateFoundation

/// The state of one call as known after an event (Docs/call-record.md). Unknown values are `nil`,
/// never "".
public struct CallRecord: Sendable, Hashable {
    public var callKey: String
    public var vendorCallId: String
    public var legId: String?
    public var previousLegId: String?
    public var threadKey: String?
    public var tenant: String?
    public var direction: CallDirection
    public var legKind: LegKind
    public var status: CallStatus
    public var outcome: CallOutcome?
    public var outcomeReason: OutcomeReason?
    public var from: PhoneNumber?
    public var to: PhoneNumber?
    public var line: Line?
    public var customer: Customer?
    public var agent: Agent?
    public var participants: [Participant] = []
    public var queue: Queue?
    public var startedAt: Timestamp?
    public var queuedAt: Timestamp?
    public var ringingAt: Timestamp?
    public var answeredAt: Timestamp?
    public var endedAt: Timestamp?
    public var durations = Durations()
    public var recording: Recording?
    public var transcript: Transcript?
    public var summary: String?
    public var dtmf: String?
    public var tags: [String] = []
    public var notes: [Note] = []
    public var survey: String?
    /// Vendor speech analytics, kept as the vendor sent them.
    public var analytics: JSONObject?
    public var links: Links?
    /// Operator-defined extras (MiiTel additional payload keys, Udesk `extend`).
    public var custom = JSONObject()
    /// Everything else worth keeping from the vendor payload.
    public var vendorMeta = JSONObject()

    public init(
        callKey: String, vendorCallId: String, direction: CallDirection = .unknown, legKind: LegKind = .normal,
        status: CallStatus
    ) {
        self.callKey = callKey
        self.vendorCallId = vendorCallId
        self.direction = direction
        self.legKind = legKind
        self.status = status
    }

    /// Our number used for the call.
    public struct Line: Sendable, Hashable {
        public var number: PhoneNumber?
        public var name: String?
        public init(number: PhoneNumber? = nil, name: String? = nil) {
            self.number = number
            self.name = name
        }
    }

    /// The external party.
    public struct Customer: Sendable, Hashable {
        public var name: String?
        public var company: String?
        public var phone: PhoneNumber?
        public var externalId: String?
        public init(name: String? = nil, company: String? = nil, phone: PhoneNumber? = nil, externalId: String? = nil) {
            self.name = name
            self.company = company
            self.phone = phone
            self.externalId = externalId
        }
    }

    /// The handling user.
    public struct Agent: Sendable, Hashable {
        public var id: String?
        public var name: String?
        public var email: String?
        public init(id: String? = nil, name: String? = nil, email: String? = nil) {
            self.id = id
            self.name = name
            self.email = email
        }
    }

    /// Someone who spoke on the call.
    public struct Participant: Sendable, Hashable {
        public var id: String?
        public var side: ParticipantSide?
        public var role: ParticipantRole
        public var name: String?
        public var company: String?
        public var phone: PhoneNumber?
        public init(
            id: String? = nil, side: ParticipantSide? = nil, role: ParticipantRole, name: String? = nil,
            company: String? = nil, phone: PhoneNumber? = nil
        ) {
            self.id = id
            self.side = side
            self.role = role
            self.name = name
            self.company = company
            self.phone = phone
        }
    }

    /// ACD queue or hunt group.
    public struct Queue: Sendable, Hashable {
        public var id: String?
        public var name: String?
        public var group: String?
        public init(id: String? = nil, name: String? = nil, group: String? = nil) {
            self.id = id
            self.name = name
            self.group = group
        }
    }

    /// Seconds; recomputed from the lifecycle times where possible.
    public struct Durations: Sendable, Hashable {
        public var total: Double?
        public var talk: Double?
        public var ring: Double?
        public var queue: Double?
        public var ivr: Double?
        public init(
            total: Double? = nil, talk: Double? = nil, ring: Double? = nil, queue: Double? = nil, ivr: Double? = nil
        ) {
            self.total = total
            self.talk = talk
            self.ring = ring
            self.queue = queue
            self.ivr = ivr
        }
    }

    public struct Recording: Sendable, Hashable {
        public var url: String
        public var expiresAt: Timestamp?
        public init(url: String, expiresAt: Timestamp? = nil) {
            self.url = url
            self.expiresAt = expiresAt
        }
    }

    public struct Transcript: Sendable, Hashable {
        public var text: String?
        /// All speakers' segments merged, sorted by start.
        public var segments: [Segment] = []
        public init(text: String? = nil, segments: [Segment] = []) {
            self.text = text
            self.segments = segments
        }

        public struct Segment: Sendable, Hashable {
            public var participantId: String?
            public var role: ParticipantRole?
            /// Seconds from the start of the call.
            public var start: Double?
            public var end: Double?
            public var text: String
            public init(
                participantId: String? = nil, role: ParticipantRole? = nil, start: Double?, end: Double?, text: String
            ) {
                self.participantId = participantId
                self.role = role
                self.start = start
                self.end = end
                self.text = text
            }
        }
    }

    public struct Note: Sendable, Hashable {
        public var text: String
        public var author: String?
        public var at: Timestamp?
        public init(text: String, author: String? = nil, at: Timestamp? = nil) {
            self.text = text
            self.author = author
            self.at = at
        }
    }

    public struct Links: Sendable, Hashable {
        public var vendorUI: String?
        public init(vendorUI: String?) { self.vendorUI = vendorUI }
    }
}

extension CallRecord {
    /// Recomputes durations from the lifecycle times; a value that cannot be computed keeps what
    /// the vendor reported, and a negative one becomes `nil`.
    public mutating func recomputeDurations() {
        func between(_ a: Timestamp?, _ b: Timestamp?) -> Double? {
            guard let a, let b else { return nil }
            return a.seconds(to: b)
        }
        func nonNegative(_ v: Double?) -> Double? {
            guard let v, v >= 0, v.isFinite else { return nil }
            return v
        }
        // Without a start time the call began at its first known moment, queued or ringing.
        let start = startedAt ?? [queuedAt, ringingAt].compactMap { $0 }.min()
        durations.total = nonNegative(between(start, endedAt) ?? durations.total)
        durations.talk = nonNegative(between(answeredAt, endedAt) ?? durations.talk)
        durations.ring = nonNegative(between(ringingAt, answeredAt ?? endedAt) ?? durations.ring)
        durations.queue = nonNegative(between(queuedAt, answeredAt ?? endedAt) ?? durations.queue)
        durations.ivr = nonNegative(durations.ivr)
    }
}
