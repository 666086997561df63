import AnycastCore
import Foundation
import Testing

@Suite struct CounterRateTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func sample(_ value: UInt64, at seconds: Double) -> CounterSample {
        CounterSample(value: value, time: t0.addingTimeInterval(seconds))
    }

    @Test func firstSampleHasNoRate() {
        let r = CounterRate.between(nil, sample(100, at: 0), maxGap: 3)
        #expect(r.perSecond == nil)
        #expect(!r.wasReset && !r.spansGap)
    }

    @Test func steadyRate() {
        let r = CounterRate.between(sample(1000, at: 0), sample(3500, at: 2), maxGap: 3)
        #expect(r.perSecond == 1250)
        #expect(!r.wasReset && !r.spansGap)
    }

    @Test func resetCountsTheNewValueAsTheIncrease() {
        // The server restarted: 1_000_000 → 400 in one second means at least 400 queries.
        let r = CounterRate.between(sample(1_000_000, at: 0), sample(400, at: 1), maxGap: 3)
        #expect(r.wasReset)
        #expect(r.perSecond == 400)
    }

    @Test func gapIsFlaggedAndAveraged() {
        let r = CounterRate.between(sample(0, at: 0), sample(10_000, at: 10), maxGap: 3)
        #expect(r.spansGap)
        #expect(r.perSecond == 1000)
    }

    @Test func timeNotMovingForwardGivesNoRate() {
        #expect(CounterRate.between(sample(5, at: 1), sample(10, at: 1), maxGap: 3).perSecond == nil)
        #expect(CounterRate.between(sample(5, at: 2), sample(10, at: 1), maxGap: 3).perSecond == nil)
    }

    @Test func hugeCountersDoNotOverflow() {
        let r = CounterRate.between(sample(UInt64.max - 10, at: 0), sample(UInt64.max, at: 1), maxGap: 3)
        #expect(r.perSecond == 10)
    }
}
