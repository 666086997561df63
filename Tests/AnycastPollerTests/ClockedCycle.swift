import AnycastCore
import AnycastPoller
import Clocks

/// One poll cycle run on a test clock, and what it showed.
struct ClockedCycle {
    var snapshot: FleetSnapshot
    /// How long the cycle took on the test clock.
    var took: Duration
    /// Requests still waited for a millisecond before the cycle's deadline.
    var waitingJustBefore: Int
}

extension FleetPoller {
    /// Runs one cycle with the poller on `clock`. The agents' real I/O goes on until only
    /// `holding` requests are waited for (those of agents that never finish answering); then
    /// the clock moves to the cycle's deadline, which must end them.
    func cycle(on clock: TestClock<Duration>, holding: Int, force: Bool = false) async throws -> ClockedCycle {
        let started = clock.now
        let running = Task { await self.pollOnce(force: force) }
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
        let snapshot = await running.value
        return ClockedCycle(snapshot: snapshot, took: started.duration(to: clock.now), waitingJustBefore: before)
    }
}
