import AnycastCore
import Foundation
import Testing

@Suite struct RateHistoryTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    func point(_ s: Int, _ qps: Double = 1) -> RatePoint { RatePoint(t: t0.addingTimeInterval(Double(s)), qps: qps) }

    @Test func ringKeepsTheNewestAndNeverGrows() {
        var ring = RingBuffer<Int>(capacity: 3)
        for i in 1...10 { ring.append(i) }
        #expect(Array(ring) == [8, 9, 10])
        #expect(ring.count == 3 && ring.capacity == 3)
        #expect(ring.first == 8 && ring.last == 10)
        #expect(ring.suffix(2) == [9, 10])
        #expect(ring.suffix(99) == [8, 9, 10])
    }

    @Test func historyHoldsFifteenMinutesByDefault() {
        var h = RateHistory()
        for s in 0..<2000 { h.append(point(s)) }
        #expect(h.count == 900)
        #expect(h.points.first?.t == t0.addingTimeInterval(1100))
    }

    @Test func mergeSkipsSecondsAlreadyHeld() {
        var h = RateHistory(capacity: 10)
        h.merge([point(1, 10), point(2, 20), point(3, 30)])
        h.merge([point(2, 99), point(3, 99), point(4, 40)])  // overlapping poll answer
        #expect(h.points.map(\.qps) == [10, 20, 30, 40])
    }

    @Test func rejectsNonFiniteAndNegativeRates() {
        var h = RateHistory(capacity: 10)
        h.append(point(1, .nan))
        h.append(point(2, -5))
        h.append(point(3, .infinity))
        #expect(h.count == 0)
    }

    @Test func pointsAfterAndMean() {
        var h = RateHistory(capacity: 10)
        h.merge((1...5).map { point($0, Double($0)) })
        #expect(h.points(after: t0.addingTimeInterval(3)).map(\.qps) == [4, 5])
        #expect(h.points(after: t0.addingTimeInterval(99)).isEmpty)
        #expect(h.recent(2).map(\.qps) == [4, 5])
        #expect(h.mean(ofLast: 2) == 4.5)
    }
}
