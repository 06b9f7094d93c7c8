import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// Wakes a delivery worker when new outbox rows are committed, so delivery starts at once instead
/// of at the next poll.
public actor Wakeup {
    private var pending = false
    private var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
    private var nextId = 0

    public init() {}

    public func signal() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume()
        } else {
            pending = true
        }
    }

    /// Returns at the next signal (or at once if one came since the last wait), or after `timeout`.
    public func wait(upTo timeout: Duration) async {
        if pending {
            pending = false
            return
        }
        nextId += 1
        let id = nextId
        await withCheckedContinuation { continuation in
            waiter = (id, continuation)
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.expire(id)
            }
        }
    }

    private func expire(_ id: Int) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume()
    }
}

/// One `Wakeup` per sink.
public struct Wakeups: Sendable {
    let bySink: [String: Wakeup]

    public init(sinks: [String]) {
        bySink = Dictionary(uniqueKeysWithValues: sinks.map { ($0, Wakeup()) })
    }

    public func signal(_ sinks: some Sequence<String>) async {
        for sink in sinks { await bySink[sink]?.signal() }
    }

    public func signalAll() async {
        for wakeup in bySink.values { await wakeup.signal() }
    }
}
