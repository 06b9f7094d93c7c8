import CallGateFoundation
import CallGateMapping
import CallGateModel
import Yams

extension CallGateConfig {
    static func sink(_ node: Node, _ v: ConfigValues) throws(LocatedError) -> Sink {
        let document = v.document
        var r = try MappingReader(node, in: document, context: "sink")
        let idNode = try r.require("id")
        let id = try v.string(idNode, "sink id")
        guard ConfigValues.isIdentifier(id) else {
            throw document.error(idNode, "sink id '\(id)' must be lowercase letters, digits, '-' or '_'")
        }
        let typeNode = try r.require("type")
        var sink = Sink(
            id: id, type: try v.choice(typeNode, "sink type", SinkKind.self), location: v.location(node))
        if let n = r.take("url") {
            let url = try v.string(n, "url")
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw document.error(n, "url must be http(s)")
            }
            sink.url = url
        }
        if let n = r.take("path") { sink.path = try v.string(n, "path") }
        switch sink.type {
        case .http where sink.url == nil: throw document.error(node, "an http sink needs url")
        case .file where sink.path == nil: throw document.error(node, "a file sink needs path")
        case .http, .file: break
        }
        if let n = r.take("events") {
            guard let list = n.sequenceNodes else { throw document.error(n, "events must be a list of event types") }
            var types: [EventType] = []
            for element in list {
                let raw = try v.string(element, "event type")
                guard let type = EventType(validating: raw) else {
                    throw document.error(element, "'\(raw)' is not an event type (one of \(EventType.choices))")
                }
                types.append(type)
            }
            sink.events = types
        }
        if let n = r.take("sources") { sink.sources = try v.strings(n, "sources") }
        if let n = r.take("when") {
            sink.when = try EventCondition(node: n, document: document)
        }
        if let n = r.take("exclude") {
            sink.exclude = try v.strings(n, "exclude")
            for (path, element) in zip(sink.exclude, n.sequenceNodes ?? []) {
                guard path.split(separator: ".").allSatisfy({ ConfigValues.isIdentifier(String($0)) }) else {
                    throw document.error(element, "exclude takes dotted field paths such as call.transcript")
                }
            }
        }
        if let n = r.take("format") { sink.format = try v.choice(n, "format", SinkFormat.self) }
        if let n = r.take("headers") {
            guard case .mapping(let mapping) = n else { throw document.error(n, "headers must be a mapping") }
            for (k, value) in mapping {
                sink.headers[try v.string(k, "header name")] = try v.string(value, "header value")
            }
        }
        if let n = r.take("timeout") { sink.timeout = try v.duration(n, "timeout") }
        if let n = r.take("concurrency") { sink.concurrency = try v.integer(n, "concurrency", range: 1...256) }
        if let n = r.take("retry") {
            var retry = try MappingReader(n, in: document, context: "retry")
            if let s = retry.take("schedule") {
                guard let list = s.sequenceNodes, !list.isEmpty else {
                    throw document.error(s, "retry.schedule is a list of durations")
                }
                var schedule: [Duration] = []
                for element in list { schedule.append(try v.duration(element, "retry.schedule")) }
                sink.retrySchedule = schedule
            }
            if let m = retry.take("max_retry_after") { sink.maxRetryAfter = try v.duration(m, "retry.max_retry_after") }
            try retry.finish()
        }
        if let n = r.take("auth") { sink.auth = try sinkAuth(n, v) }
        try transformSettings(&r, &sink, v)
        try r.finish()
        return sink
    }

    static func sinkAuth(_ node: Node, _ v: ConfigValues) throws(LocatedError) -> SinkAuth {
        let document = v.document
        var r = try MappingReader(node, in: document, context: "sink auth")
        var auth = SinkAuth()
        if let n = r.take("standard_webhooks") {
            auth.standardWebhooks = try standardWebhooksSecrets(n, v)
            for secret in auth.standardWebhooks where !secret.value.hasPrefix("whsec_") {
                throw document.error(n, "standard_webhooks secrets start with whsec_ followed by base64")
            }
        }
        if let n = r.take("hmac") {
            var h = try MappingReader(n, in: document, context: "hmac")
            auth.hmac = HMACSigning(
                header: try v.optionalString(h.take("header"), "hmac.header") ?? "X-Signature-256",
                secret: try v.secret(try h.require("secret"), "hmac.secret"),
                encoding: try h.take("encoding").map { n throws(LocatedError) in
                    try v.choice(n, "hmac.encoding", HMACEncoding.self)
                } ?? .hex,
                prefix: try h.take("prefix").map { n throws(LocatedError) in try v.string(n, "hmac.prefix") }
                    ?? "sha256=")
            try h.finish()
        }
        if let n = r.take("bearer") { auth.bearer = try v.secret(n, "bearer") }
        if let n = r.take("basic") { auth.basic = try basic(n, v) }
        if let n = r.take("oauth2") {
            var o = try MappingReader(n, in: document, context: "oauth2")
            auth.oauth2 = OAuth2(
                tokenURL: try v.string(try o.require("token_url"), "oauth2.token_url"),
                clientId: try v.string(try o.require("client_id"), "oauth2.client_id"),
                clientSecret: try v.secret(try o.require("client_secret"), "oauth2.client_secret"),
                scope: try v.optionalString(o.take("scope"), "oauth2.scope"))
            try o.finish()
        }
        try r.finish()
        return auth
    }
}
