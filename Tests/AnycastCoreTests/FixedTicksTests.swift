import AnycastCore
import Testing

/// Periodic loops (an agent's refresh, the simulated fleet) tick on fixed deadlines: how long
/// a tick's work takes does not move the next one.
@Suite struct FixedTicksTests {
    @Test func workDoesNotMoveTheNextTick() {
        let start = ContinuousClock.now
        // The tick due at 1 s ended at 1.3 s: the next is due at 2 s, not 2.3 s.
        #expect(FixedTicks.next(after: start.advanced(by: .seconds(1)), interval: .seconds(1), now: start.advanced(by: .milliseconds(1300)))
                == start.advanced(by: .seconds(2)))
        // The first tick: an interval after the start.
        #expect(FixedTicks.next(after: start, interval: .seconds(1), now: start) == start.advanced(by: .seconds(1)))
    }

    @Test func ticksThatFellBehindSkipRatherThanBunch() {
        let start = ContinuousClock.now
        // The tick due at 1 s ended at 3.5 s: the next is a second from then, not at 2 s and 3 s at once.
        #expect(FixedTicks.next(after: start.advanced(by: .seconds(1)), interval: .seconds(1), now: start.advanced(by: .milliseconds(3500)))
                == start.advanced(by: .milliseconds(4500)))
    }
}
