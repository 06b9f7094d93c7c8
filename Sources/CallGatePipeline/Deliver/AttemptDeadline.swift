import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive

/// How a bounded piece of work ended.
enum Bounded<T: Sendable>: Sendable {
    case finished(T)
    /// The deadline passed first.
    case timedOut
    /// A reload or shutdown ran out of patience first (`delivery.grace_period`).
    case aborted
}

/// Runs `body` until it ends, `limit` passes, or `abort` says the attempts in flight must stop,
/// whichever comes first; the others are cancelled.
///
/// AsyncHTTPClient's own timeout ends once the response head has arrived, so a peer that sends its
/// headers and then stalls the body would hold the attempt forever. This one deadline covers
/// connecting, the head and the body. Cancelling the body ends AsyncHTTPClient's request (it
/// closes the connection), so the task group does not outlive the deadline by more than that.
func bounded<T: Sendable>(
    by limit: Duration, abort: StopFlag? = nil, _ body: @escaping @Sendable () async -> T
) async -> Bounded<T> {
    await withTaskGroup(of: Bounded<T>.self) { group in
        group.addTask { .finished(await body()) }
        group.addTask {
            // Cancelled when the body has finished first; this value is not used then.
            try? await Task.sleep(for: limit)
            return .timedOut
        }
        if let abort {
            group.addTask {
                await abort.attemptsAbortedOrCancelled()
                return abort.attemptsAborted ? .aborted : .timedOut
            }
        }
        let first = await group.next() ?? .timedOut
        group.cancelAll()
        return first
    }
}
