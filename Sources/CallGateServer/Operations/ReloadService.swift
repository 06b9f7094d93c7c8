import CallGateConfig
import CallGateFoundation
import CallGateKit
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import ServiceLifecycle
import UnixSignals

/// SIGHUP reloads the configuration and mappings (`Gateway.reload`).
struct ReloadService: Service {
    let gateway: Gateway
    let load: @Sendable () throws -> Normalizer

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                gateway.reload(load)
            }
        }
    }
}
