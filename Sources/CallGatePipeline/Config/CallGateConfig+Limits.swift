import CallGateFoundation
import CallGateMapping
import CallGateModel
import Yams

extension CallGateConfig {
    /// `server: { idle_timeout, header_timeout, body_timeout, max_connections }`: what one client
    /// may hold of the server. A client that trickles its request a byte at a time keeps an idle
    /// timer from firing, so the head and the body each have a deadline of their own.
    public struct ServerLimits: Sendable, Hashable {
        /// A connection with no request in progress and nothing read or written for this long is
        /// closed.
        public var idleTimeout: Duration = .seconds(60)
        /// From the first byte of a request until its head (request line and headers) is complete.
        public var headerTimeout: Duration = .seconds(10)
        /// From the end of the head until the end of the body.
        public var bodyTimeout: Duration = .seconds(30)
        /// Open connections at most; one more is answered 503 `too_many_connections` and closed.
        /// (A connection serves one request at a time, so this also bounds requests in flight.)
        public var maxConnections = 1024

        public init() {}
    }

    /// `delivery: { grace_period }`.
    public struct DeliverySettings: Sendable, Hashable {
        /// How long a reload or shutdown waits for the delivery attempts in flight before cancelling
        /// them (each is recorded as a failed attempt; its row stays pending).
        public var gracePeriod: Duration = .seconds(10)

        public init() {}
    }

    /// `metrics: { token }`.
    public struct MetricsSettings: Sendable, Hashable {
        /// When set, `GET /metrics` requires `Authorization: Bearer <token>`.
        public var token: Secret?

        public init() {}
    }

    /// The `server:` keys of `ServerLimits`, taken from the server block being read.
    static func serverLimits(_ r: inout MappingReader, _ v: ConfigValues) throws(LocatedError) -> ServerLimits {
        var limits = ServerLimits()
        let hour = Duration.seconds(3600)
        if let n = r.take("idle_timeout") {
            limits.idleTimeout = try v.duration(n, "server.idle_timeout", within: .milliseconds(1)...hour)
        }
        if let n = r.take("header_timeout") {
            limits.headerTimeout = try v.duration(n, "server.header_timeout", within: .milliseconds(1)...hour)
        }
        if let n = r.take("body_timeout") {
            limits.bodyTimeout = try v.duration(n, "server.body_timeout", within: .milliseconds(1)...hour)
        }
        if let n = r.take("max_connections") {
            limits.maxConnections = try v.integer(n, "server.max_connections", range: 1...1_000_000)
        }
        return limits
    }

    static func deliverySettings(_ node: Node, _ v: ConfigValues) throws(LocatedError) -> DeliverySettings {
        var r = try MappingReader(node, in: v.document, context: "delivery")
        var settings = DeliverySettings()
        if let n = r.take("grace_period") {
            settings.gracePeriod = try v.duration(n, "delivery.grace_period", within: .zero...Duration.seconds(3600))
        }
        try r.finish()
        return settings
    }

    static func metricsSettings(_ node: Node, _ v: ConfigValues) throws(LocatedError) -> MetricsSettings {
        var r = try MappingReader(node, in: v.document, context: "metrics")
        var settings = MetricsSettings()
        if let n = r.take("token") {
            let token = try v.string(n, "metrics.token")
            settings.token = token.isEmpty ? nil : Secret(token)
        }
        try r.finish()
        return settings
    }
}

extension ConfigValues {
    /// A duration within `range` (1ms…1h, or 0s…1h when zero is allowed).
    func duration(_ node: Node, _ what: String, within range: ClosedRange<Duration>) throws(LocatedError) -> Duration {
        let d = try duration(node, what)
        guard range.contains(d) else {
            let lowest = range.lowerBound == .zero ? "0s" : "1ms"
            throw document.error(node, "\(what) must be between \(lowest) and 1h, got '\(try string(node, what))'")
        }
        return d
    }
}
