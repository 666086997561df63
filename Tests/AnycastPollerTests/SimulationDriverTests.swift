import AnycastSimulatedFleet
import Clocks
import Testing

/// The simulated fleet ticks on fixed seconds, as a real agent refreshes: how long a tick
/// takes does not move the next one.
@Suite struct SimulationDriverTests {
    @Test func aTickDoesNotMoveTheNextOne() {
        let clock = TestClock()
        let start = clock.now
        let second = Duration.seconds(1)
        // The tick due at 1 s ended at 1.3 s: the next is due at 2 s, not 2.3 s.
        #expect(SimulationDriver.deadline(after: start.advanced(by: second), interval: second, now: start.advanced(by: .milliseconds(1300)))
                == start.advanced(by: .seconds(2)))
        // Before the first tick: an interval after the start.
        #expect(SimulationDriver.deadline(after: start, interval: second, now: start) == start.advanced(by: second))
    }

    @Test func ticksThatFellBehindSkipSecondsRatherThanBunch() {
        let clock = TestClock()
        let start = clock.now
        // The tick due at 1 s ended at 3.5 s: the next is a second from then, not at 2 s and 3 s at once.
        #expect(SimulationDriver.deadline(after: start.advanced(by: .seconds(1)), interval: .seconds(1), now: start.advanced(by: .milliseconds(3500)))
                == start.advanced(by: .milliseconds(4500)))
    }
}
