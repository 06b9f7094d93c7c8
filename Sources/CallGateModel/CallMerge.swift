import CallGateFoundation

/// Folds the events of one call into one record (Docs/gateway.md, "Merging the events of one
/// call"). Each stored event carries the record as merged up to and including it.
///
/// - Lifecycle times: the earliest wins for `started_at`, `queued_at`, `ringing_at` and
///   `answered_at`, the latest for `ended_at`.
/// - `status` only moves forward (ringing → queued → in_progress → ended).
/// - `outcome` and `outcome_reason` come only from events that end the call; when the call has
///   ended and no event said how, the outcome is derived from what arrived: answered when an answer
///   time is known, abandoned when it was queued, otherwise no_answer (BIZTEL's separate requests).
/// - Transcript, summary and the other single values: the last writer wins, but an empty value
///   never erases a known one.
/// - Lists (participants by id, tags, notes) and free objects (custom, vendor_meta) are unions.
public enum CallMerge {
    public static func merge(_ stored: CallRecord?, with incoming: CallRecord) -> CallRecord {
        guard let stored else { return settle(incoming, explicitOutcome: incoming.outcome != nil) }
        // Each field by its rule in `CallRecord.fields`.
        var m = stored
        for field in CallRecord.fields { field.merge(&m, stored, incoming) }
        let explicit = incoming.status == .ended && incoming.outcome != nil
        if explicit {
            m.outcome = incoming.outcome
            m.outcomeReason = incoming.outcomeReason
        }
        return settle(m, explicitOutcome: explicit || (stored.outcome != nil && !isDerived(stored)))
    }

    /// Derives a missing outcome once the call has ended, and recomputes durations from the merged
    /// times.
    static func settle(_ record: CallRecord, explicitOutcome: Bool) -> CallRecord {
        var r = record
        if r.status != .ended {
            r.outcome = nil
            r.outcomeReason = nil
        } else if !explicitOutcome {
            r.outcome = r.answeredAt != nil ? .answered : (r.queuedAt != nil ? .abandoned : .noAnswer)
            r.outcomeReason = nil
        }
        r.recomputeDurations()
        return r
    }

    /// Whether a stored outcome is the one `settle` would derive (so a later answer may change it).
    static func isDerived(_ r: CallRecord) -> Bool {
        guard r.outcomeReason == nil, let outcome = r.outcome else { return false }
        let derived: CallOutcome = r.answeredAt != nil ? .answered : (r.queuedAt != nil ? .abandoned : .noAnswer)
        return outcome == derived
    }

    static func merged<T>(_ stored: T?, _ incoming: T?, _ combine: (T, T) -> T) -> T? {
        switch (stored, incoming) {
        case (let s?, let i?): return combine(s, i)
        case (let s?, nil): return s
        case (nil, let i): return i
        }
    }

    static func earliest(_ a: Timestamp?, _ b: Timestamp?) -> Timestamp? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }

    static func latest(_ a: Timestamp?, _ b: Timestamp?) -> Timestamp? {
        guard let a else { return b }
        guard let b else { return a }
        return max(a, b)
    }

    /// The stored participants, each replaced by the incoming one with the same id; new ones
    /// appended. Participants without an id are kept from the newer list only.
    static func participants(
        _ stored: [CallRecord.Participant], _ incoming: [CallRecord.Participant]
    ) -> [CallRecord.Participant] {
        if incoming.isEmpty { return stored }
        if stored.isEmpty { return incoming }
        var out: [CallRecord.Participant] = []
        for s in stored where s.id != nil {
            out.append(incoming.first { $0.id == s.id } ?? s)
        }
        for i in incoming where i.id == nil || !out.contains(where: { $0.id == i.id }) {
            out.append(i)
        }
        return out
    }

    static func union(_ a: JSONObject, _ b: JSONObject) -> JSONObject {
        var out = a
        for (key, value) in b { out[key] = value }
        return out
    }
}
