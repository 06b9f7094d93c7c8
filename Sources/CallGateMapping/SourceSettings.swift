import CallGateFoundation
import CallGateModel

/// The resolved settings of one configured source that its mapping may read (as `$source`).
public struct SourceSettings: Sendable, Hashable {
    /// The source id (`miitel`), part of every event and of `call_key`.
    public var id: String
    /// The adapter name (`miitel`, `generic`).
    public var adapter: String
    /// Default region for phone numbers (`JP`).
    public var region: String
    /// The vendor account, when the payload does not carry it.
    public var tenant: String?
    /// Zone for offset-less times, overriding the mapping's `default_timezone`.
    public var timeZone: TimeZoneSpec?
    /// A URL template with `{ID}` for recordings (BIZTEL monitor links).
    public var recordingURL: String?

    public init(
        id: String, adapter: String, region: String, tenant: String? = nil, timeZone: TimeZoneSpec? = nil,
        recordingURL: String? = nil
    ) {
        self.id = id
        self.adapter = adapter
        self.region = region
        self.tenant = tenant
        self.timeZone = timeZone
        self.recordingURL = recordingURL
    }

    /// The `$source` variable.
    var json: JSONValue {
        [
            "id": .string(id), "adapter": .string(adapter), "region": .string(region), "tenant": .optional(tenant),
            "timezone": .optional(timeZone?.description), "recording_url": .optional(recordingURL),
        ]
    }
}
