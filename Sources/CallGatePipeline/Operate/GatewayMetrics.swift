import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import CoreMetrics
import Metrics
import Prometheus

/// The gateway's metrics (`GET /metrics`, Prometheus text): recorded through swift-metrics with a
/// Prometheus factory of the gateway's own, so two gateways in one process (tests) do not share
/// counts. Labels are bounded: configured source and sink ids, status classes, event types and
/// fixed result names; requests to an unconfigured source count under `source="unknown"`.
public struct GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let latency: [Duration] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        ]
        factory.durationHistogramBuckets = [
            "callgate_delivery_duration_seconds": latency, "callgate_store_commit_duration_seconds": latency,
        ]
        self.registry = registry
        self.factory = factory
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] { registry.emitToBuffer() }

    func count(_ name: String, _ dimensions: [(String, String)] = [], by amount: Int = 1) {
        CoreMetrics.Counter(label: name, dimensions: dimensions, factory: factory).increment(by: amount)
    }

    func gauge(_ name: String, _ dimensions: [(String, String)], _ value: Double) {
        CoreMetrics.Gauge(label: name, dimensions: dimensions, factory: factory).record(value)
    }

    func duration(_ name: String, _ elapsed: Duration, _ dimensions: [(String, String)] = []) {
        CoreMetrics.Timer(label: name, dimensions: dimensions, factory: factory).record(duration: elapsed)
    }

    // MARK: - Ingest

    /// One answered ingest request; `source` must be a configured id or `unknown`.
    func ingestRequest(source: String, status: Int) {
        count("callgate_ingest_requests_total", [("source", source), ("status_class", "\(status / 100)xx")])
    }

    func eventsStored(source: String, types: [String]) {
        for type in types { count("callgate_events_total", [("source", source), ("type", type)]) }
    }

    func duplicate(source: String) { count("callgate_duplicates_total", [("source", source)]) }

    func quarantined(source: String) { count("callgate_quarantined_total", [("source", source)]) }

    func storeCommit(_ elapsed: Duration) { duration("callgate_store_commit_duration_seconds", elapsed) }

    // MARK: - Delivery

    /// One delivery attempt: `result` is delivered, retry or dead.
    func deliveryAttempt(sink: String, result: String, elapsed: Duration) {
        count("callgate_deliveries_total", [("sink", sink), ("result", result)])
        duration("callgate_delivery_duration_seconds", elapsed, [("sink", sink)])
    }

    /// The outbox as the store sees it now, per configured sink (taken at each scrape).
    package func outbox(_ stats: [OutboxStats], sinks: [String], now: Timestamp) {
        let bySink = Dictionary(stats.map { ($0.sink, $0) }, uniquingKeysWith: { a, _ in a })
        for sink in sinks {
            let s = bySink[sink]
            gauge("callgate_outbox_pending", [("sink", sink)], Double(s?.pending ?? 0))
            let age = s?.oldestPending.map { max(0, Double(now.microseconds - $0.microseconds) / 1e6) } ?? 0
            gauge("callgate_outbox_oldest_pending_age_seconds", [("sink", sink)], age)
            gauge("callgate_dead_letters", [("sink", sink)], Double(s?.dead ?? 0))
        }
    }

    // MARK: - Operations

    /// A connection cut off by the server: `reason` is header_timeout, body_timeout or
    /// too_many_connections.
    package func httpCutOff(reason: String) { count("callgate_http_cutoffs_total", [("reason", reason)]) }

    package func reload(succeeded: Bool) {
        count("callgate_config_reloads_total", [("result", succeeded ? "ok" : "failed")])
    }

    package func pruned(_ kind: String, _ rows: Int) {
        count("callgate_retention_pruned_total", [("kind", kind)], by: rows)
    }
}
