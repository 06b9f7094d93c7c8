import CallGatePipeline
import Testing

/// A delivery worker's wait for new rows: a signal ends it at once (or the next one, when it came
/// first), the timeout ends it otherwise, and cancelling the waiting task ends it too. The bounds
/// are loose: under the full suite on two cores, a 100 ms sleep has been seen to take 10 s; what
/// matters is that a wait ends long before its 10-minute timeout.
@Suite(.timeLimit(.minutes(5))) struct WakeupTests {
    @Test func aSignalEndsTheWaitAtOnce() async throws {
        let wakeup = Wakeup()
        let started = ContinuousClock.now
        async let waited: Void = wakeup.wait(upTo: .seconds(600))
        try await Task.sleep(for: .milliseconds(50))
        await wakeup.signal()
        await waited
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    @Test func aSignalBeforeTheWaitIsKept() async {
        let wakeup = Wakeup()
        await wakeup.signal()
        let started = ContinuousClock.now
        await wakeup.wait(upTo: .seconds(600))
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    @Test func theTimeoutEndsTheWait() async {
        let wakeup = Wakeup()
        let started = ContinuousClock.now
        await wakeup.wait(upTo: .milliseconds(100))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(100))
        // The expired wait left nothing behind: the next one waits again.
        let again = ContinuousClock.now
        await wakeup.wait(upTo: .milliseconds(100))
        #expect(ContinuousClock.now - again >= .milliseconds(100))
    }

    @Test func cancellingTheWaiterEndsTheWait() async {
        let wakeup = Wakeup()
        let started = ContinuousClock.now
        let task = Task { await wakeup.wait(upTo: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await task.value
        #expect(ContinuousClock.now - started < .seconds(120))
    }
}
