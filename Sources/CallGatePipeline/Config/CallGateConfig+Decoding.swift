import CallGateFoundation
import CallGateMapping
import CallGateModel
import Yams

extension CallGateConfig {
    /// Decodes configuration YAML.
    /// - Parameter environment: variables for `${VAR}` interpolation (the process environment).
    public init(yaml text: String, file: String, environment: [String: String]) throws(LocatedError) {
        let document = try YAMLDocument(text: text, file: file)
        let v = ConfigValues(document: document, environment: environment)
        var top = try MappingReader(document.root, in: document, context: "configuration")
        self.file = file

        if let node = top.take("server") {
            var r = try MappingReader(node, in: document, context: "server")
            if let n = r.take("host") { server.host = try v.string(n, "server.host") }
            if let n = r.take("port") { server.port = try v.integer(n, "server.port", range: 0...65535) }
            if let n = r.take("max_body_bytes") {
                server.maxBodyBytes = try v.integer(n, "server.max_body_bytes", range: 1...(256 << 20))
            }
            if let n = r.take("trusted_proxies") { server.trustedProxies = try v.strings(n, "server.trusted_proxies") }
            if let n = r.take("max_object_members") {
                server.input.maxObjectMembers = try v.integer(n, "server.max_object_members", range: 1...1_000_000)
            }
            if let n = r.take("max_form_fields") {
                server.input.maxFormFields = try v.integer(n, "server.max_form_fields", range: 1...1_000_000)
            }
            server.limits = try Self.serverLimits(&r, v)
            try r.finish()
        }
        if let node = top.take("store") {
            var r = try MappingReader(node, in: document, context: "store")
            let sqlite = r.take("sqlite")
            let postgres = r.take("postgres")
            if let n = r.take("retention") { retention.requests = try v.duration(n, "store.retention") }
            let lease = r.take("lease")
            let connections = r.take("connections")
            try r.finish()
            switch (sqlite, postgres) {
            case (let path?, nil):
                if let extra = lease ?? connections {
                    throw document.error(extra, "lease and connections apply to store.postgres only")
                }
                store = .sqlite(path: try v.string(path, "store.sqlite"))
            case (nil, let url?):
                var settings = Postgres(url: try v.secret(url, "store.postgres"))
                if let n = lease { settings.lease = try v.duration(n, "store.lease") }
                if let n = connections { settings.connections = try v.integer(n, "store.connections", range: 1...1000) }
                store = .postgres(settings)
            default: throw document.error(node, "store takes exactly one of sqlite: PATH or postgres: URL")
            }
        }
        if let node = top.take("admin") {
            var r = try MappingReader(node, in: document, context: "admin")
            if let n = r.take("token") {
                let token = try v.string(n, "admin.token")
                admin.token = token.isEmpty ? nil : Secret(token)
            }
            try r.finish()
        }
        if let node = top.take("delivery") { delivery = try Self.deliverySettings(node, v) }
        if let node = top.take("metrics") { metrics = try Self.metricsSettings(node, v) }
        if let node = top.take("retention") {
            var r = try MappingReader(node, in: document, context: "retention")
            if let n = r.take("requests") { retention.requests = try v.duration(n, "retention.requests") }
            if let n = r.take("deliveries") { retention.deliveries = try v.duration(n, "retention.deliveries") }
            if let n = r.take("attempts") { retention.attempts = try v.duration(n, "retention.attempts") }
            if let n = r.take("interval") { retention.interval = try v.duration(n, "retention.interval") }
            try r.finish()
        }
        if let node = top.take("log") {
            var r = try MappingReader(node, in: document, context: "log")
            if let n = r.take("level") {
                log.level = try v.choice(
                    n, "log.level", ["trace", "debug", "info", "notice", "warning", "error", "critical"])
            }
            if let n = r.take("format") { log.format = try v.choice(n, "log.format", ["text", "json"]) }
            try r.finish()
        }
        let sourcesNode = try top.require("sources")
        guard let sourceNodes = sourcesNode.sequenceNodes else {
            throw document.error(sourcesNode, "sources must be a list")
        }
        for node in sourceNodes {
            let source = try Self.source(node, v)
            if sources.contains(where: { $0.id == source.id }) {
                throw document.error(node, "source id '\(source.id)' is used twice")
            }
            sources.append(source)
        }
        if let node = top.take("sinks") {
            guard let sinkNodes = node.sequenceNodes else { throw document.error(node, "sinks must be a list") }
            for sinkNode in sinkNodes {
                let sink = try Self.sink(sinkNode, v)
                if sinks.contains(where: { $0.id == sink.id }) {
                    throw document.error(sinkNode, "sink id '\(sink.id)' is used twice")
                }
                sinks.append(sink)
            }
        }
        try top.finish()
        for sink in sinks {
            for sourceId in sink.sources ?? [] where !sources.contains(where: { $0.id == sourceId }) {
                throw sink.location.error("sink '\(sink.id)' names an unknown source '\(sourceId)'")
            }
            // An attempt outliving its lease could be made twice at once by two instances.
            if case .postgres(let postgres) = store, sink.timeout >= postgres.lease {
                throw sink.location.error(
                    "sink '\(sink.id)': timeout \(sink.timeout) must be shorter than store.lease \(postgres.lease)")
            }
        }
        resolvePaths()
    }

    static func source(_ node: Node, _ v: ConfigValues) throws(LocatedError) -> Source {
        let document = v.document
        var r = try MappingReader(node, in: document, context: "source")
        let idNode = try r.require("id")
        let id = try v.string(idNode, "source id")
        guard ConfigValues.isIdentifier(id) else {
            throw document.error(
                idNode, "source id '\(id)' must be lowercase letters, digits, '-' or '_' (it appears in URLs)")
        }
        let adapter = try v.string(try r.require("adapter"), "adapter")
        var source = Source(id: id, adapter: adapter, location: v.location(node))
        if let n = r.take("mapping") {
            source.mapping = try v.string(n, "mapping")
            source.mappingLocation = v.location(n)
        }
        if let n = r.take("region") {
            let region = try v.string(n, "region")
            guard region.count == 2, region.uppercased() == region, region.allSatisfy(\.isLetter) else {
                throw document.error(n, "region must be a two-letter code such as JP or CN")
            }
            source.region = region
        }
        source.tenant = try v.optionalString(r.take("tenant"), "tenant")
        if let n = r.take("timezone") {
            let text = try v.string(n, "timezone")
            guard let zone = TimeZoneSpec(text) else {
                throw document.error(
                    n, "'\(text)' is not a time zone (use +09:00, UTC or an IANA name like Asia/Tokyo)")
            }
            source.timeZone = zone
        }
        if let n = r.take("recording_url") {
            let url = try v.string(n, "recording_url")
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw document.error(
                    n, "recording_url must be an http(s) URL template such as https://HOST:8000/monitor_link/{ID}")
            }
            source.recordingURL = url
        }
        if let n = r.take("recording_auth") { source.recordingAuth = try recordingAuth(n, v) }
        if let n = r.take("max_body_bytes") {
            source.maxBodyBytes = try v.integer(n, "max_body_bytes", range: 1...(256 << 20))
        }
        if let n = r.take("auth") { source.auth = try sourceAuth(n, v) }
        try r.finish()
        return source
    }

    static func sourceAuth(_ node: Node, _ v: ConfigValues) throws(LocatedError) -> SourceAuth {
        let document = v.document
        var r = try MappingReader(node, in: document, context: "auth")
        var auth = SourceAuth()
        if let n = r.take("bearer") { auth.bearer = try v.secrets(n, "auth.bearer") }
        if let n = r.take("basic") {
            for element in n.sequenceNodes ?? [n] { auth.basic.append(try basic(element, v)) }
        }
        if let n = r.take("payload_secret") {
            var p = try MappingReader(n, in: document, context: "payload_secret")
            let pathNode = try p.require("path")
            let pathText = try v.string(pathNode, "payload_secret.path")
            let path: JSONPath
            do { path = try JSONPath(pathText) } catch { throw document.error(pathNode, "invalid path: \(error)") }
            guard path.isSingular else { throw document.error(pathNode, "payload_secret.path must name one value") }
            auth.payloadSecret = PayloadSecret(
                path: path, value: try v.secret(try p.require("value"), "payload_secret.value"))
            try p.finish()
        }
        if let n = r.take("query_key") {
            var q = try MappingReader(n, in: document, context: "query_key")
            auth.queryKey = QueryKey(
                name: try v.string(try q.require("name"), "query_key.name"),
                value: try v.secret(try q.require("value"), "query_key.value"))
            try q.finish()
        }
        if let n = r.take("standard_webhooks") {
            auth.standardWebhooks = try standardWebhooksSecrets(n, v)
        }
        if let n = r.take("hmac") {
            var h = try MappingReader(n, in: document, context: "hmac")
            let secrets = try secretOrSecrets(&h, n, v, "hmac")
            auth.hmac = HMACVerification(
                header: try v.optionalString(h.take("header"), "hmac.header") ?? "X-Hub-Signature-256",
                secrets: secrets,
                encoding: try h.take("encoding").map { n throws(LocatedError) in
                    try v.choice(n, "hmac.encoding", HMACEncoding.self)
                } ?? .hex,
                prefix: try h.take("prefix").map { n throws(LocatedError) in try v.string(n, "hmac.prefix") }
                    ?? "sha256=")
            try h.finish()
        }
        if let n = r.take("vendor_signature") {
            var s = try MappingReader(n, in: document, context: "vendor_signature")
            let secrets = try secretOrSecrets(&s, n, v, "vendor_signature")
            auth.vendorSignature = VendorSignature(
                secrets: secrets, url: try v.optionalString(s.take("url"), "vendor_signature.url"))
            try s.finish()
        }
        if let n = r.take("allow_ips") { auth.allowIPs = try v.strings(n, "auth.allow_ips") }
        try r.finish()
        return auth
    }

    /// `secret: …` and/or `secrets: [...]` of a credential setting (several for rotation).
    static func secretOrSecrets(_ r: inout MappingReader, _ node: Node, _ v: ConfigValues, _ setting: String)
        throws(LocatedError) -> [Secret]
    {
        let nodes = [r.take("secret"), r.take("secrets")].compactMap { $0 }
        guard !nodes.isEmpty else { throw v.document.error(node, "\(setting) needs secret or secrets") }
        var secrets: [Secret] = []
        for n in nodes { secrets += try v.secrets(n, "\(setting).secret") }
        return secrets
    }

    /// `standard_webhooks: { secret: … }` or `{ secrets: [...] }` (several for rotation).
    static func standardWebhooksSecrets(_ node: Node, _ v: ConfigValues) throws(LocatedError) -> [Secret] {
        var s = try MappingReader(node, in: v.document, context: "standard_webhooks")
        var secrets: [Secret] = []
        if let one = s.take("secret") { secrets += try v.secrets(one, "standard_webhooks.secret") }
        if let many = s.take("secrets") { secrets += try v.secrets(many, "standard_webhooks.secrets") }
        try s.finish()
        guard !secrets.isEmpty else { throw v.document.error(node, "standard_webhooks needs secret or secrets") }
        return secrets
    }

    static func basic(_ node: Node, _ v: ConfigValues) throws(LocatedError) -> BasicCredentials {
        var b = try MappingReader(node, in: v.document, context: "basic")
        let credentials = BasicCredentials(
            username: try v.string(try b.require("username"), "basic.username"),
            password: try v.secret(try b.require("password"), "basic.password"))
        try b.finish()
        return credentials
    }
}
