import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGateReceive
import Synchronization

/// The `webhook-id`s of Standard Webhooks requests accepted recently, per source, with the answer
/// they got. A request presenting one again within the signature's tolerance window (a replay of a
/// captured request, or a sender's retry after a lost answer) is answered as a duplicate without
/// its body being read or anything being stored.
///
/// Bounded: entries expire after twice the tolerance (a signature is valid that long either side
/// of its timestamp) and at most `capacity` are kept, the oldest dropped first. It lives for the
/// process and survives reloads; across instances and restarts the store's duplicate detection
/// still answers the same way, at the cost of parsing the body.
public final class SeenWebhookIDs: Sendable {
    struct Entry {
        var answer: [UInt8]
        var expires: Timestamp
    }

    struct State {
        var entries: [String: Entry] = [:]
        /// Keys in insertion order, for expiry and eviction.
        var order: [String] = []
        var head = 0
    }

    private let state = Mutex(State())
    let capacity: Int
    let lifetime: Duration

    public init(capacity: Int = 100_000, lifetime: Duration = .seconds(2 * StandardWebhooks.toleranceSeconds)) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    static func key(source: String, id: String) -> String { source + "\u{1}" + id }

    /// The answer given to `id` at `source`, while it has not expired.
    package func answer(source: String, id: String, now: Timestamp) -> [UInt8]? {
        state.withLock { state in
            guard let entry = state.entries[Self.key(source: source, id: id)], entry.expires > now else { return nil }
            return entry.answer
        }
    }

    /// Remembers the answer given to `id` at `source`.
    package func remember(source: String, id: String, answer: [UInt8], now: Timestamp) {
        let key = Self.key(source: source, id: id)
        let expires = now.adding(lifetime)
        state.withLock { state in
            // Drop what has expired, then the oldest while full.
            while state.head < state.order.count {
                let oldest = state.order[state.head]
                guard let entry = state.entries[oldest] else {
                    state.head += 1
                    continue
                }
                guard entry.expires <= now || state.entries.count >= capacity else { break }
                state.entries[oldest] = nil
                state.head += 1
            }
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
            if state.entries.updateValue(Entry(answer: answer, expires: expires), forKey: key) == nil {
                state.order.append(key)
            }
        }
    }

    /// How many are kept now.
    var count: Int { state.withLock { $0.entries.count } }
}
