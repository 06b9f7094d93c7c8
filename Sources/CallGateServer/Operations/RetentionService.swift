import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import CallGateStore
import Logging
import ServiceLifecycle

/// Prunes what is past its configured age (`retention:`): raw request bodies, delivered outbox
/// rows and attempt records. Each batch is one short transaction in the store's writer queue, so
/// ingests keep committing between batches; a pause between batches leaves the writer to them.
struct RetentionService: Service {
    let state: GatewayState
    let store: any StoreAdministration
    let metrics: GatewayMetrics
    let logger: Logger
    var batchSize = 500
    var pause: Duration = .milliseconds(20)

    /// A pass at once, then one each `retention.interval` until shutdown. The interval is read
    /// after each pass from the configuration in use, so a reload changes the next wait.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            repeat {
                await pruneAll(state.current.config.retention, now: .now)
            } while await wait(max(state.current.config.retention.interval, .seconds(1)))
        }
    }

    /// Whether `interval` passed (rather than the service being cancelled by the shutdown).
    func wait(_ interval: Duration) async -> Bool {
        do {
            try await Task.sleep(for: interval)
            return true
        } catch {
            return false
        }
    }

    /// One pass over every kind; returns the rows pruned per kind.
    @discardableResult
    func pruneAll(_ retention: CallGateConfig.Retention, now: Timestamp) async -> [RetentionKind: Int] {
        var pruned: [RetentionKind: Int] = [:]
        for kind in RetentionKind.allCases {
            let age =
                switch kind {
                case .requests: retention.requests
                case .deliveries: retention.deliveries
                case .attempts: retention.attempts
                }
            let cutoff = now.adding(.zero - age)
            var total = 0
            while !Task.isCancelled {
                let count: Int
                do {
                    count = try await store.prune(kind, before: cutoff, limit: batchSize)
                } catch is CancellationError {
                    break
                } catch {
                    logger.error(
                        "retention could not prune", metadata: ["kind": .string(kind.rawValue), "error": "\(error)"])
                    break
                }
                total += count
                metrics.pruned(kind.rawValue, count)
                if count < batchSize { break }
                try? await Task.sleep(for: pause)
            }
            pruned[kind] = total
            if total > 0 {
                logger.info("retention pruned", metadata: ["kind": .string(kind.rawValue), "count": "\(total)"])
            }
        }
        return pruned
    }
}
