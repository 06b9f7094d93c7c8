import CallGateFoundation
import CallGateMapping
import CallGateModel
import Yams

extension CallGateConfig {
    /// A sink's `transform:`: a bundled target mapping by name (`miitel_incoming`) or a path to one
    /// (Docs/targets.md). `Normalizer.load` compiles it into `mapping`.
    public struct Transform: Sendable, Hashable {
        public var name: String
        public var location: ConfigLocation
        /// The compiled mapping, set when the configuration is loaded with its mappings.
        public var mapping: TargetMapping?

        public static func == (a: Transform, b: Transform) -> Bool { a.name == b.name && a.location == b.location }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(location)
        }
    }

    /// A sink's `recording:`: after the create, the call's recording is fetched and PUT to the URL
    /// the answer names (Docs/targets.md, "Recording relay").
    public struct RecordingRelay: Sendable, Hashable {
        public var upload = true
        /// A JSONPath into the create's answer (default `$.upload_url`).
        public var uploadURL = "$.upload_url"
        /// How long a create waits for the call's recording to be known (default 10 minutes).
        public var wait: Duration = .seconds(600)
        /// How long the upload URL stays valid (MiiTel: three hours).
        public var validFor: Duration = .seconds(3 * 3600)
        /// The longest recording relayed (default 512 MiB).
        public var maxBytes: Int64 = 512 * 1024 * 1024
        /// The whole relay of one recording, fetch and upload (default 10 minutes).
        public var timeout: Duration = .seconds(600)
    }

    /// A sink's `order:`.
    public enum SinkOrder: String, Sendable, Hashable, CaseIterable {
        /// Rows are sent as they come due, several at once.
        case arrival
        /// An event of a call is not attempted while an earlier event of the same call to the same
        /// sink is pending; other calls go on in parallel.
        case perCall = "per_call"
    }

    /// The source's `recording_auth:`: credentials sent when fetching its recordings.
    public struct RecordingAuth: Sendable, Hashable {
        public var bearer: Secret?
        public var basic: BasicCredentials?

        /// The same credentials as a sink's `auth`, whose headers they are sent as.
        public var sinkAuth: SinkAuth {
            var auth = SinkAuth()
            auth.bearer = bearer
            auth.basic = basic
            return auth
        }
    }

    /// `transform`, `tables`, `recording` and `order` of a sink.
    static func transformSettings(_ r: inout MappingReader, _ sink: inout Sink, _ v: ConfigValues)
        throws(LocatedError)
    {
        let document = v.document
        if let n = r.take("transform") {
            sink.transform = Transform(name: try v.string(n, "transform"), location: v.location(n))
            guard sink.type == .http else { throw document.error(n, "transform needs an http sink") }
            guard sink.format == .canonical else {
                throw document.error(n, "a transform writes its own body: leave format out")
            }
        }
        if let n = r.take("tables") {
            guard case .mapping(let tables) = n else {
                throw document.error(n, "tables is a mapping of table names to mappings of keys to values")
            }
            var object = JSONObject()
            for (nameNode, tableNode) in tables {
                let name = try v.string(nameNode, "table name")
                guard case .mapping(let entries) = tableNode else {
                    throw document.error(tableNode, "table '\(name)' is a mapping of keys to values")
                }
                var table = JSONObject()
                for (key, value) in entries {
                    table[try v.string(key, "key of table '\(name)'")] = .string(try v.string(value, "value"))
                }
                object[name] = .object(table)
            }
            sink.tables = .object(object)
        }
        if let n = r.take("recording") {
            guard sink.transform != nil else { throw document.error(n, "recording needs a transform") }
            var relay = RecordingRelay()
            var rr = try MappingReader(n, in: document, context: "recording")
            if let u = rr.take("upload") {
                guard let flag = u.scalarText, flag == "true" || flag == "false" else {
                    throw document.error(u, "recording.upload is true or false")
                }
                relay.upload = flag == "true"
            }
            if let p = rr.take("upload_url") {
                let text = try v.string(p, "recording.upload_url")
                do {
                    _ = try JSONPath(text)
                } catch {
                    throw document.error(p, "recording.upload_url is a JSONPath into the answer, such as $.upload_url")
                }
                relay.uploadURL = text
            }
            if let w = rr.take("wait") { relay.wait = try v.duration(w, "recording.wait") }
            if let w = rr.take("valid_for") { relay.validFor = try v.duration(w, "recording.valid_for") }
            if let t = rr.take("timeout") { relay.timeout = try v.duration(t, "recording.timeout") }
            if let m = rr.take("max_bytes") {
                relay.maxBytes = Int64(try v.integer(m, "recording.max_bytes", range: 1...(1 << 40)))
            }
            try rr.finish()
            sink.recording = relay
        }
        if let n = r.take("order") { sink.order = try v.choice(n, "order", SinkOrder.self) }
    }

    /// A source's `recording_auth: { bearer: … }` or `{ basic: { username, password } }`.
    static func recordingAuth(_ node: Node, _ v: ConfigValues) throws(LocatedError) -> RecordingAuth {
        var r = try MappingReader(node, in: v.document, context: "recording_auth")
        var auth = RecordingAuth()
        if let n = r.take("bearer") { auth.bearer = try v.secret(n, "recording_auth.bearer") }
        if let n = r.take("basic") { auth.basic = try basic(n, v) }
        try r.finish()
        return auth
    }
}

extension CallGateConfig.Sink {
    /// `order:` as configured, else per call for transforms that keep one record per call.
    public var effectiveOrder: CallGateConfig.SinkOrder {
        order ?? (transform?.mapping?.keepsOneRecordPerCall == true ? .perCall : .arrival)
    }
}
