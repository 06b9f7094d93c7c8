import CallGateFoundation
import CallGateMapping
import CallGateModel

/// `callgate.yaml`, decoded strictly (Docs/operations.md, "How `callgate.yaml` is read"): unknown
/// keys, wrong types and unset environment variables are errors with `file:line:column`.
public struct CallGateConfig: Sendable {
    public var file: String
    public var server = Server()
    public var store = Store.sqlite(path: ".callgate/callgate.sqlite")
    public var retention = Retention()
    public var admin = Admin()
    public var delivery = DeliverySettings()
    public var metrics = MetricsSettings()
    public var log = Log()
    public var sources: [Source] = []
    public var sinks: [Sink] = []

    public struct Server: Sendable, Hashable {
        public var host = "127.0.0.1"
        public var port = 8080
        public var maxBodyBytes = 1_048_576
        /// Proxies whose `X-Forwarded-For` is believed (CIDRs).
        public var trustedProxies: [String] = []
        /// Members per JSON object and fields per form or query string a request may have.
        public var input = InputLimits.ingest
        /// Timeouts and the connection bound (`CallGateConfig+Limits.swift`).
        public var limits = ServerLimits()
    }

    public enum Store: Sendable, Hashable {
        case sqlite(path: String)
        case postgres(Postgres)
    }

    /// `store: { postgres: URL, lease: 60s, connections: 20 }`: several instances share one database.
    public struct Postgres: Sendable, Hashable {
        /// `postgres://user:password@host:5432/database?sslmode=…`, usually `${CALLGATE_DATABASE_URL}`.
        public var url: Secret
        /// How long a claimed delivery stays with one instance; must exceed every sink's timeout.
        public var lease: Duration = .seconds(60)
        /// Connections each instance may open.
        public var connections = 20

        public init(url: Secret) { self.url = url }
    }

    /// How long the background retention service keeps things (`retention:`).
    public struct Retention: Sendable, Hashable {
        /// Raw request bodies, kept for `callgate replay --reprocess` (`store.retention` is the
        /// older spelling).
        public var requests: Duration = .seconds(30 * 86_400)
        /// Delivered outbox rows (pending and dead rows are never pruned).
        public var deliveries: Duration = .seconds(7 * 86_400)
        /// Delivery attempt records.
        public var attempts: Duration = .seconds(30 * 86_400)
        /// How often the service looks for what to prune.
        public var interval: Duration = .seconds(3600)
    }

    public struct Admin: Sendable, Hashable {
        /// Bearer token for `/v1/admin/…`; unset disables the admin API.
        public var token: Secret?
    }

    public struct Log: Sendable, Hashable {
        public var level = "info"
        public var format = "text"
    }

    public struct Source: Sendable, Hashable {
        public var id: String
        public var adapter: String
        /// Mapping file; the adapter's shipped mapping when unset.
        public var mapping: String?
        public var region: String?
        public var tenant: String?
        public var timeZone: TimeZoneSpec?
        public var recordingURL: String?
        /// Credentials for fetching this source's recordings (the recording relay).
        public var recordingAuth: RecordingAuth?
        public var maxBodyBytes: Int?
        public var auth: SourceAuth?
        public var location: ConfigLocation
        public var mappingLocation: ConfigLocation?
    }

    public struct SourceAuth: Sendable, Hashable {
        public var bearer: [Secret] = []
        public var basic: [BasicCredentials] = []
        public var payloadSecret: PayloadSecret?
        public var queryKey: QueryKey?
        public var standardWebhooks: [Secret] = []
        public var hmac: HMACVerification?
        /// The vendor's own signature scheme, checked by the source's adapter (`vendor_signature`).
        public var vendorSignature: VendorSignature?
        public var allowIPs: [String] = []

        package init() {}
    }

    /// `auth: { vendor_signature: { secret: …, url: … } }`: settings for a signature the adapter
    /// knows how to check (Twilio's `X-Twilio-Signature`).
    public struct VendorSignature: Sendable, Hashable {
        /// One or several secrets (rotation): any one that verifies is enough.
        public var secrets: [Secret]
        /// The public URL the vendor calls, for schemes that sign it (behind a proxy the gateway
        /// cannot see it).
        public var url: String?

        public init(secrets: [Secret], url: String?) {
            self.secrets = secrets
            self.url = url
        }
    }

    public struct BasicCredentials: Sendable, Hashable {
        public var username: String
        public var password: Secret
    }

    /// A secret the vendor puts inside the payload (`$.extend.token`).
    public struct PayloadSecret: Sendable, Hashable {
        public var path: JSONPath
        public var value: Secret
    }

    /// A secret query or form parameter (BIZTEL's `key`).
    public struct QueryKey: Sendable, Hashable {
        public var name: String
        public var value: Secret
    }

    /// GitHub-style body HMAC in a header (`X-Hub-Signature-256: sha256=<hex>`).
    public struct HMACVerification: Sendable, Hashable {
        public var header: String
        public var secrets: [Secret]
        public var encoding: HMACEncoding
        public var prefix: String
    }

    public struct Sink: Sendable, Hashable {
        public var id: String
        public var type: SinkKind
        public var url: String?
        public var path: String?
        public var events: [EventType]?
        public var sources: [String]?
        /// A condition in the mapping language over the event (`$.call.status`).
        public var when: EventCondition?
        public var exclude: [String] = []
        public var format = SinkFormat.canonical
        public var auth: SinkAuth?
        public var headers: [String: String] = [:]
        public var timeout: Duration = .seconds(15)
        public var concurrency = 4
        public var retrySchedule: [Duration]?
        public var maxRetryAfter: Duration = .seconds(3600)
        /// An outbound mapping that writes the request (Docs/targets.md).
        public var transform: Transform?
        /// Lookup tables the transform reads as `$tables`: an object of objects of strings.
        public var tables: JSONValue = .object(JSONObject())
        public var recording: RecordingRelay?
        public var order: SinkOrder?
        public var location: ConfigLocation
    }

    /// A sink's `type:`.
    public enum SinkKind: String, Sendable, Hashable, CaseIterable {
        /// POSTs each event to `url`.
        case http
        /// Appends each event as a JSON line to `path`.
        case file
    }

    /// A sink's `format:`: what each event is sent as.
    public enum SinkFormat: String, Sendable, Hashable, CaseIterable {
        /// The stored event as is (minus `exclude`).
        case canonical
        /// A CloudEvents 1.0 structured-mode envelope around it.
        case cloudevents
    }

    /// How an HMAC signature is written after its prefix (`hmac.encoding:`).
    public enum HMACEncoding: String, Sendable, Hashable, CaseIterable {
        case hex
        case base64
    }

    public struct SinkAuth: Sendable, Hashable {
        public var standardWebhooks: [Secret] = []
        public var hmac: HMACSigning?
        public var bearer: Secret?
        public var basic: BasicCredentials?
        public var oauth2: OAuth2?
    }

    public struct HMACSigning: Sendable, Hashable {
        public var header: String
        public var secret: Secret
        public var encoding: HMACEncoding
        public var prefix: String
    }

    public struct OAuth2: Sendable, Hashable {
        public var tokenURL: String
        public var clientId: String
        public var clientSecret: Secret
        public var scope: String?
    }
}
