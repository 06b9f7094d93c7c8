import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Foundation
import Logging

/// One loaded configuration, ready to serve: the ingest service (sources, adapters, mappings, sink
/// routes) and the configuration it came from. A reload builds a new one; requests keep the one
/// they started with.
public struct GatewayRuntime: Sendable {
    public let config: CallGateConfig
    public let service: IngestService
    /// Bumped by each successful reload (1 for the configuration loaded at start).
    public let generation: Int

    package init(
        config: CallGateConfig, service: IngestService, generation: Int
    ) {
        self.config = config
        self.service = service
        self.generation = generation
    }
}

/// The runtime in use, swapped atomically by a reload, with a stream of changes for the delivery
/// supervisor.
public final class GatewayState: @unchecked Sendable {
    private let lock = NSLock()
    private var runtime: GatewayRuntime
    private var observers: [AsyncStream<GatewayRuntime>.Continuation] = []
    private var lastReloadError: String?

    package init(_ runtime: GatewayRuntime) { self.runtime = runtime }

    /// The runtime new requests use.
    public var current: GatewayRuntime { lock.withLock { runtime } }

    /// Why the last reload was refused, if it was.
    public var reloadError: String? { lock.withLock { lastReloadError } }

    package func install(_ new: GatewayRuntime) {
        let observers = lock.withLock {
            runtime = new
            lastReloadError = nil
            return self.observers
        }
        for observer in observers { observer.yield(new) }
    }

    package func refuse(_ message: String) { lock.withLock { lastReloadError = message } }

    /// Every runtime installed from now on (the newest one when several arrive at once); finish
    /// the continuation to stop listening.
    func updates() -> (AsyncStream<GatewayRuntime>, AsyncStream<GatewayRuntime>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: GatewayRuntime.self, bufferingPolicy: .bufferingNewest(1))
        lock.withLock { observers.append(continuation) }
        return (stream, continuation)
    }
}
