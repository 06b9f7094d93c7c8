import CallGateFoundation

/// What sinks receive: one event and the call record as known after it (Docs/call-record.md).
public struct CallEvent: Sendable, Hashable {
    /// The schema every event declares.
    public static let schema = "callgate.call.v1"

    /// Deterministic id: see `EventIdentity`.
    public var id: String
    public var type: EventType
    /// When it happened at the vendor (or, with `timeSource == .receipt`, when it was received).
    public var time: Timestamp
    public var timeSource: TimeSource
    public var receivedAt: Timestamp
    /// The configured source id that received it.
    public var source: String
    public var vendor: String
    /// The vendor's own discriminator (MiiTel `call_type`, Udesk `call_result`, …).
    public var vendorEvent: String?
    /// 1 for the first version of this (leg, type); +1 per changed re-send.
    public var revision: Int
    public var call: CallRecord {
        didSet { encodedCall = EncodingCache() }
    }
    /// `call` as canonical JSON, kept from computing the event id so the record is encoded once;
    /// emptied whenever `call` changes.
    package var encodedCall = EncodingCache()

    public init(
        id: String, type: EventType, time: Timestamp, timeSource: TimeSource, receivedAt: Timestamp, source: String,
        vendor: String, vendorEvent: String?, revision: Int = 1, call: CallRecord
    ) {
        self.id = id
        self.type = type
        self.time = time
        self.timeSource = timeSource
        self.receivedAt = receivedAt
        self.source = source
        self.vendor = vendor
        self.vendorEvent = vendorEvent
        self.revision = revision
        self.call = call
    }
}

/// Bytes derived from a value, carried beside it; never part of its equality or hash.
package struct EncodingCache: Sendable, Hashable {
    package var bytes: [UInt8]?

    package init(bytes: [UInt8]? = nil) { self.bytes = bytes }

    package static func == (lhs: EncodingCache, rhs: EncodingCache) -> Bool { true }
    package func hash(into hasher: inout Hasher) {}
}
