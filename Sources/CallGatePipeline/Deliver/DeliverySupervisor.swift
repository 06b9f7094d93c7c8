import AsyncHTTPClient
import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Logging
import ServiceLifecycle

/// Runs one delivery worker per sink of the configuration in use. After a reload it stops the
/// workers (each finishes the attempts it has in flight, so no row is sent twice at once) and
/// starts the new configuration's. On shutdown it stops them the same way. Attempts that outlive
/// `delivery.grace_period` are cancelled and recorded as failed.
package struct DeliverySupervisor: Service {
    let state: GatewayState
    let store: any Outbox
    let client: HTTPClient
    let metrics: GatewayMetrics
    let board: WorkerBoard
    let logger: Logger

    package func run() async throws {
        let (updates, continuation) = state.updates()
        let shutdown = StopFlag()
        await withGracefulShutdownHandler {
            var runtime = state.current
            while true {
                let stopping = StopFlag()
                let workers = DeliveryWorker.workers(
                    config: runtime.config, store: store, wakeups: runtime.service.wakeups, client: client,
                    logger: logger, metrics: metrics)
                board.started(runtime.config.sinks.map(\.id))
                let generation = Task {
                    await withDiscardingTaskGroup { group in
                        for worker in workers { group.addTask { await worker.run(until: stopping) } }
                    }
                }
                var next: GatewayRuntime?
                for await update in updates {
                    next = update
                    break
                }
                stopping.set()
                for worker in workers { await worker.wakeup.signal() }
                // Attempts still running after the grace period are cancelled and recorded as
                // failed (their rows stay pending), so a stalled sink cannot hold up a reload or
                // a shutdown.
                let grace = state.current.config.delivery.gracePeriod
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await Task.sleep(for: grace)
                            stopping.abortAttempts()
                        } catch {}
                    }
                    await generation.value
                    group.cancelAll()
                }
                guard let next, !shutdown.isSet else { break }
                runtime = next
                logger.info("delivery workers restarted on the reloaded configuration")
            }
            board.stopped()
        } onGracefulShutdown: {
            shutdown.set()
            continuation.finish()
        }
    }

    package init(
        state: GatewayState, store: any Outbox, client: HTTPClient, metrics: GatewayMetrics, board: WorkerBoard,
        logger: Logger
    ) {
        self.state = state
        self.store = store
        self.client = client
        self.metrics = metrics
        self.board = board
        self.logger = logger
    }
}
