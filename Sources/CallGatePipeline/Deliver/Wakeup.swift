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

    /// Whether a signal came since the last wait (the next `wait` returns at once).
    package var hasPendingSignal: Bool { pending }

    public func signal() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume()
        } else {
            pending = true
        }
    }

    /// Returns at the next signal (or at once if one came since the last wait), after `timeout`,
    /// or when the task is cancelled. The timer is a child task, cancelled as soon as a signal
    /// comes, so no timer outlives its wait.
    public func wait(upTo timeout: Duration) async {
        if pending {
            pending = false
            return
        }
        nextId += 1
        let id = nextId
        await withTaskGroup(of: Void.self) { group in
            // The timer's `expire` needs this actor, which it gets only once the waiter is set and
            // this task is suspended.
            group.addTask {
                try? await Task.sleep(for: timeout)
                await self.expire(id)
            }
            await withCheckedContinuation { continuation in waiter = (id, continuation) }
            group.cancelAll()
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
    package let bySink: [String: Wakeup]

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
