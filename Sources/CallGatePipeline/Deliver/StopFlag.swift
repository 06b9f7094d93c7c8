import Foundation

/// Set once, read from any task: the workers stop taking rows (`set`), and later, when the grace
/// period has passed, the attempts still in flight are cancelled (`abortAttempts`), which wakes
/// every attempt waiting on `attemptsAbortedOrCancelled()`.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    private var aborted = false
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0

    var isSet: Bool { lock.withLock { value } }
    var attemptsAborted: Bool { lock.withLock { aborted } }
    func set() { lock.withLock { value = true } }

    func abortAttempts() {
        let waiting = lock.withLock {
            aborted = true
            defer { waiters = [:] }
            return Array(waiters.values)
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Returns once `abortAttempts` has been called, or when the task is cancelled.
    func attemptsAbortedOrCancelled() async {
        let id = lock.withLock {
            nextWaiter += 1
            return nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked under the lock that `abortAttempts` and the cancellation handler take, so
                // neither can slip in between the check and the registration.
                let now = lock.withLock {
                    if aborted || Task.isCancelled { return true }
                    waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            lock.withLock { waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
