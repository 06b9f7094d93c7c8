import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Foundation

/// Which sinks have a running delivery worker (readiness).
public final class WorkerBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var sinks: Set<String>?

    public init() {}

    /// The sinks whose workers run, or `nil` when delivery is not running.
    public var running: Set<String>? { lock.withLock { sinks } }

    func started(_ ids: [String]) { lock.withLock { sinks = Set(ids) } }
    func stopped() { lock.withLock { sinks = nil } }
}
