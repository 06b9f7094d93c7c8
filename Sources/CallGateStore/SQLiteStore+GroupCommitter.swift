import CallGateConfig
import CallGateFoundation
import CallGateMapping
import CallGateModel
import CallGatePipeline
import CallGateReceive
import GRDB

/// Commits work submitted concurrently in shared transactions: each piece runs in its own
/// savepoint (one failing does not undo the others), and every caller resumes only after the
/// transaction holding its work is committed.
///
/// No background task: the caller that finds no transaction running becomes the *leader* and
/// writes, in its own task, one transaction holding everything queued so far (its own work
/// included). Callers arriving meanwhile queue up; when the leader's transaction is committed it
/// answers them and hands the lead to the first caller still waiting, whose transaction takes the
/// next batch.
actor GroupCommitter {
    /// At most this many pieces of work per transaction, so one commit stays short.
    static let maximumBatch = 256

    final class Job: @unchecked Sendable {
        // Set once before the job is queued, read only on the actor.
        let work: @Sendable (Database) throws -> any Sendable
        var continuation: CheckedContinuation<Signal, any Error>?

        init(_ work: @escaping @Sendable (Database) throws -> any Sendable) { self.work = work }
    }

    enum Signal: Sendable {
        /// The job is committed; its result.
        case done(any Sendable)
        /// The job is still queued and its caller now leads the next transaction.
        case lead
    }

    let pool: DatabasePool
    var pending: [Job] = []
    var leading = false
    var finished = false
    var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// How many transactions and jobs have been committed, for tests and the benchmark.
    private(set) var transactions = 0
    private(set) var jobs = 0
    /// Whether the last transaction failed (a full disk, an I/O error): readiness reports it.
    private var lastFailed = false

    init(pool: DatabasePool) { self.pool = pool }

    func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if finished { throw StoreError("the store is closed") }
        let job = Job { db in try work(db) }
        if leading {
            let signal = try await withCheckedThrowingContinuation { continuation in
                job.continuation = continuation
                pending.append(job)
            }
            if case .done(let value) = signal { return try Self.cast(value) }
        } else {
            leading = true
            pending.append(job)
        }
        // This caller leads: its job is in the batch it writes.
        return try Self.cast(try await lead(owning: job))
    }

    static func cast<T>(_ value: any Sendable) throws -> T {
        guard let typed = value as? T else { throw StoreError("internal error: unexpected result type") }
        return typed
    }

    /// Writes one transaction with the queued jobs (including `own`), answers the others, passes
    /// the lead on, and returns `own`'s result.
    func lead(owning own: Job) async throws -> any Sendable {
        let count = min(pending.count, Self.maximumBatch)
        var batch = Array(pending.prefix(count))
        pending.removeFirst(count)
        if !batch.contains(where: { $0 === own }) {
            // Cannot happen (the leader's job is queued first or handed the lead while queued
            // within the first maximumBatch), but never leave it behind.
            pending.removeAll { $0 === own }
            batch.append(own)
        }
        let outcome: Result<[Result<any Sendable, any Error>], any Error>
        do {
            let work = batch.map(\.work)
            outcome = .success(
                try await pool.write { db in
                    work.map { job in
                        do {
                            var value: (any Sendable)?
                            try db.inSavepoint {
                                value = try job(db)
                                return .commit
                            }
                            return .success(value!)
                        } catch {
                            return .failure(error)
                        }
                    }
                })
            transactions += 1
            jobs += batch.count
            lastFailed = false
        } catch {
            outcome = .failure(error)
            lastFailed = true
        }
        var mine: Result<any Sendable, any Error> = .failure(StoreError("internal error: no result"))
        for (index, job) in batch.enumerated() {
            let result: Result<any Sendable, any Error>
            switch outcome {
            case .success(let results): result = results[index]
            case .failure(let error): result = .failure(error)
            }
            if job === own {
                mine = result
            } else {
                job.continuation?.resume(with: result.map { Signal.done($0) })
            }
        }
        if let next = pending.first {
            next.continuation?.resume(returning: .lead)
        } else {
            leading = false
            for waiter in idleWaiters { waiter.resume() }
            idleWaiters = []
        }
        return try mine.get()
    }

    /// Refuses new work and waits until queued work is committed.
    func finish() async {
        finished = true
        if leading { await withCheckedContinuation { idleWaiters.append($0) } }
    }

    func counts() -> (transactions: Int, jobs: Int) { (transactions, jobs) }

    /// Why the store cannot take writes (closed, or its last transaction failed), or nil.
    func health() -> String? {
        if finished { return "the store is closed" }
        return lastFailed ? "the last commit failed" : nil
    }
}
