import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import Testing

/// `server:` timeouts and connection bound, `delivery.grace_period` and `metrics.token`.
extension ConfigurationTests {
    static let minimal = "sources: []\n"

    @Test func limitsHaveSaneDefaults() throws {
        let config = try decode(Self.minimal)
        #expect(config.server.limits.idleTimeout == .seconds(60))
        #expect(config.server.limits.headerTimeout == .seconds(10))
        #expect(config.server.limits.bodyTimeout == .seconds(30))
        #expect(config.server.limits.maxConnections == 1024)
        #expect(config.delivery.gracePeriod == .seconds(10))
        #expect(config.metrics.token == nil)
    }

    @Test func limitsAreRead() throws {
        let config = try decode(
            """
            server: { idle_timeout: 2m, header_timeout: 5s, body_timeout: 1m, max_connections: 64 }
            delivery: { grace_period: 0s }
            metrics: { token: "${METRICS_TOKEN}" }
            sources: []
            """, env: ["METRICS_TOKEN": "m-s3cret"])
        #expect(config.server.limits.idleTimeout == .seconds(120))
        #expect(config.server.limits.headerTimeout == .seconds(5))
        #expect(config.server.limits.bodyTimeout == .seconds(60))
        #expect(config.server.limits.maxConnections == 64)
        #expect(config.delivery.gracePeriod == .zero)
        #expect(config.metrics.token?.value == "m-s3cret")
    }

    @Test(arguments: [
        ("server: { header_timeout: 0s }", "server.header_timeout must be between 1ms and 1h, got '0s'"),
        ("server: { body_timeout: 2h }", "server.body_timeout must be between 1ms and 1h, got '2h'"),
        ("server: { idle_timeout: 10 }", "server.idle_timeout must be a duration with a unit"),
        ("server: { max_connections: 0 }", "server.max_connections must be a whole number in 1…1000000, got '0'"),
        ("delivery: { grace_period: 61m }", "delivery.grace_period must be between 0s and 1h, got '61m'"),
        ("delivery: { grace: 5s }", "grace"),
        ("metrics: { tokens: x }", "tokens"),
    ])
    func limitsAreChecked(line: String, message: String) throws {
        let error = try #require(failure(line + "\n" + Self.minimal))
        #expect("\(error)".contains(message), "\(error)")
        #expect("\(error)".hasPrefix("test.yaml:1:"), "\(error)")
    }
}
