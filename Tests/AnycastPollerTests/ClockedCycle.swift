import AnycastCore
import AnycastPoller
import Clocks
import Synchronization

/// One poll cycle run on a test clock, and what it showed.
struct ClockedCycle {
    var snapshot: FleetSnapshot
    /// How long the cycle took on the test clock.
    var took: Duration
    /// Requests still waited for a millisecond before the cycle's deadline.
    var waitingJustBefore: Int
}

/// Set once a cycle has returned.
private final class Finished: Sendable {
    private let done = Mutex(false)
    var value: Bool { done.withLock { $0 } }
    func set() { done.withLock { $0 = true } }
}

extension FleetPoller {
    /// Runs one cycle with the poller on `clock`. The agents' real I/O goes on until only
    /// `holding` requests are waited for (those of agents that never finish answering); then
    /// the clock moves to the cycle's deadline, which must end them.
    func cycle(on clock: TestClock<Duration>, holding: Int, force: Bool = false) async throws -> ClockedCycle {
        let started = clock.now
        let finished = Finished()
        let running = Task {
            let snapshot = await self.pollOnce(force: force)
            finished.set()
            return snapshot
        }
        guard holding > 0 else {
            return ClockedCycle(snapshot: await running.value, took: started.duration(to: clock.now), waitingJustBefore: 0)
        }
        // Real I/O: bounded generously, since a loaded machine is slow to answer even an error.
        let heard = ContinuousClock.now + .seconds(20)
        while requestsWaiting != holding, ContinuousClock.now < heard {
            try await Task.sleep(for: .milliseconds(10))
        }
        await clock.advance(by: config.requestTimeout - .milliseconds(1))
        let before = requestsWaiting
        await clock.advance(by: .milliseconds(1))
        // A busy machine may start the poller's timer only now, sleeping until the deadline
        // that the clock already shows; a test clock wakes such a sleep on its next advance,
        // so advance by nothing until the cycle is over (time itself does not move).
        let over = ContinuousClock.now + .seconds(20)
        while !finished.value, ContinuousClock.now < over {
            await clock.advance(by: .zero)
            try await Task.sleep(for: .milliseconds(5))
        }
        let snapshot = await running.value
        return ClockedCycle(snapshot: snapshot, took: started.duration(to: clock.now), waitingJustBefore: before)
    }
}
