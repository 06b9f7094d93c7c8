import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import Foundation

/// `/readyz`: ready when the store takes writes, a configuration is loaded and every configured
/// sink has a running delivery worker; 503 with the failing checks otherwise. Nothing is written:
/// the store's check is a read and the state of its writer.
struct Health: Sendable {
    let state: GatewayState
    let store: any StoreLifecycle
    let workers: WorkerBoard

    func readiness() async -> GatewayResponse {
        let runtime = state.current
        var checks = JSONObject()
        var failures: [String] = []
        do {
            try await store.checkWritable()
            checks["store"] = "ok"
        } catch {
            checks["store"] = "the store cannot take writes"
            failures.append("the store cannot take writes")
        }
        checks["config"] = .string(
            "loaded (generation \(runtime.generation))"
                + (state.reloadError != nil ? "; the last reload was refused" : ""))
        let expected = Set(runtime.config.sinks.map(\.id))
        if let running = workers.running {
            // Right after a reload the workers restart on the new sinks (once in-flight attempts end).
            let starting = expected.subtracting(running).sorted()
            checks["delivery"] = .string(
                "\(running.intersection(expected).count) sink worker(s) running"
                    + (starting.isEmpty ? "" : "; starting: \(starting.joined(separator: ", "))"))
        } else {
            checks["delivery"] = "delivery workers are not running"
            failures.append("delivery workers are not running")
        }
        guard failures.isEmpty else {
            let body: JSONValue = [
                "error": ["code": "not_ready", "message": .string(failures.joined(separator: "; "))],
                "checks": .object(checks),
            ]
            return GatewayResponse(status: 503, body: JSONWriter.compact.bytes(body), code: "not_ready")
        }
        return GatewayResponse(
            status: 200, body: JSONWriter.compact.bytes(["status": "ready", "checks": .object(checks)]))
    }
}
