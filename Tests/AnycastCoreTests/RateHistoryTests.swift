import AnycastCore
import Foundation
import Testing

@Suite struct RateHistoryTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    func point(_ s: Int, _ qps: Double = 1) -> RatePoint { RatePoint(t: t0.addingTimeInterval(Double(s)), qps: qps) }

    @Test func ringKeepsTheNewestAndNeverGrows() {
        var ring = ChunkedRing<Int>(capacity: 3)
        for i in 1...10 { ring.append(i) }
        #expect(Array(ring) == [8, 9, 10])
        #expect(ring.count == 3 && ring.capacity == 3)
        #expect(ring.first == 8 && ring.last == 10)
        #expect(ring.suffix(2) == [9, 10])
        #expect(ring.suffix(99) == [8, 9, 10])
    }

    @Test func ringReadsTheSameBeforeAndAfterItIsFull() {
        var ring = ChunkedRing<Int>(capacity: 4)
        #expect(ring.isEmpty && ring.first == nil && ring.last == nil)
        ring.append(1); ring.append(2)
        #expect(Array(ring) == [1, 2] && ring.first == 1 && ring.last == 2 && ring[1] == 2)
        for i in 3...9 { ring.append(i) }
        #expect(Array(ring) == [6, 7, 8, 9] && ring[0] == 6 && ring[3] == 9)
        ring.removeAll()
        #expect(ring.isEmpty && ring.capacity == 4)
        ring.append(42)
        #expect(Array(ring) == [42])
    }

    @Test func chunkedRingKeepsTheNewestAndCopiesStayIndependent() {
        var ring = ChunkedRing<Int>(capacity: 10, chunkSize: 4)
        for i in 1...25 { ring.append(i) }
        #expect(Array(ring) == Array(16...25) && ring.count == 10 && ring.first == 16 && ring.last == 25)
        #expect(ring.suffix(3) == [23, 24, 25] && ring[0] == 16 && ring[9] == 25)
        var copy = ring        // shares every chunk
        copy.append(100)       // copies the last chunk only
        ring.append(200)
        #expect(Array(copy) == Array(17...25) + [100])
        #expect(Array(ring) == Array(17...25) + [200])
        for i in 0..<37 { copy.append(i) }
        #expect(Array(copy) == Array(27...36), "wrapped many times: \(Array(copy))")
        #expect(Array(ring) == Array(17...25) + [200], "the other copy is untouched")
        ring.removeAll()
        #expect(ring.isEmpty && ring.capacity == 10 && Array(ring) == [])
        var one = ChunkedRing<Int>(capacity: 1)
        one.append(1); one.append(2)
        #expect(Array(one) == [2])
    }

    /// Elements held by reference are kept while any copy holds them and let go after: chunks
    /// copy and destroy their elements themselves.
    @Test func chunkedRingLetsGoOfWhatItDropsAndOfEverythingWhenDestroyed() {
        final class Counted {
            nonisolated(unsafe) static var alive = 0
            let n: Int
            init(_ n: Int) { self.n = n; Counted.alive += 1 }
            deinit { Counted.alive -= 1 }
        }
        do {
            var ring = ChunkedRing<Counted>(capacity: 6, chunkSize: 4)
            for i in 0..<6 { ring.append(Counted(i)) }
            var copy = ring
            copy.append(Counted(6))  // the tail copied: its elements held twice
            #expect(Counted.alive == 7)
            for i in 7..<20 { ring.append(Counted(i)) }
            #expect(ring.map(\.n) == Array(14..<20) && copy.map(\.n) == Array(1...6))
            // The ring's 6 (in chunks of 4 it may keep up to 3 more it has dropped) and the copy's 6.
            #expect(Counted.alive >= 12 && Counted.alive <= 12 + 3 + 3, "\(Counted.alive)")
        }
        #expect(Counted.alive == 0, "every element released with the rings")
    }

    @Test(arguments: [(1, 1), (3, 4), (4, 4), (10, 4), (65, 64), (200, 16)])
    func chunkedRingReadsLikeAnArrayThroughCopiesFilledChunksAndDrops(capacity: Int, chunkSize: Int) {
        // Copies are taken at random points of a chunk's filling, and each goes on on its own:
        // none may see another's appends or lose an element it held.
        var rings = [ChunkedRing<Int>(capacity: capacity, chunkSize: chunkSize)]
        var models = [[Int]()]
        var seed: UInt64 = 42
        for step in 0..<(capacity * 5 + 20) {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let which = Int(seed >> 33) % rings.count
            if seed >> 60 == 0, rings.count < 8 {
                rings.append(rings[which])
                models.append(models[which])
            }
            rings[which].append(step)
            models[which].append(step)
            if models[which].count > capacity { models[which].removeFirst() }
            for (ring, model) in zip(rings, models) {
                #expect(Array(ring) == model && ring.count == model.count && ring.last == model.last)
            }
        }
        #expect(rings.count > 1, "the seed took copies")
    }

    @Test func backfillPutsOlderPointsBeforeTheHeldOnes() {
        var h = RateHistory(capacity: 6)
        h.merge([point(10, 100), point(11, 110)])  // the first polls brought no history
        // Then the whole history arrives: older seconds, the held ones (other rates), newer ones.
        h.backfill([point(6, 60), point(7, 70), point(8, 80), point(9, 90), point(10, 999), point(11, 999), point(12, 120)])
        #expect(h.points.map(\.qps) == [70, 80, 90, 100, 110, 120], "newest 6 kept, held rates kept")
        #expect(h.points.map(\.t) == (7...12).map { t0.addingTimeInterval(Double($0)) })
        var empty = RateHistory(capacity: 3)
        empty.backfill([point(1), point(2), point(3), point(4)])
        #expect(empty.points.map(\.t) == (2...4).map { t0.addingTimeInterval(Double($0)) })
        var same = RateHistory(capacity: 5)
        same.merge([point(1, 1), point(2, 2)])
        same.backfill([point(2, 9), point(3, 3)])  // nothing older: an ordinary merge
        #expect(same.points.map(\.qps) == [1, 2, 3])
    }

    @Test func pointsArePackedWithoutLosingWhatTheAPISends() {
        var h = RateHistory(capacity: 10)
        h.append(RatePoint(t: t0.addingTimeInterval(0.1231), qps: 10193.18))
        h.append(RatePoint(t: t0.addingTimeInterval(0.1234), qps: 5))        // the same millisecond: a repeat
        h.append(RatePoint(t: t0.addingTimeInterval(1.001), qps: 9_876_543.21))
        let p = h.points
        #expect(p.count == 2)
        #expect(p[0].t == Date(timeIntervalSince1970: 1_800_000_000.123), "times to the millisecond")
        #expect((p[0].qps * 100).rounded() / 100 == 10193.18, "two decimals survive: \(p[0].qps)")
        #expect(abs(p[1].qps - 9_876_543.21) / 9_876_543.21 < 1e-7, "\(p[1].qps)")
        // Thirty days later the times still come back exact (the packing counts from a later
        // time); points more than 24 days older than the newest are dropped.
        let later = t0.addingTimeInterval(30 * 86_400)
        h.append(RatePoint(t: later, qps: 7))
        h.append(RatePoint(t: later.addingTimeInterval(1), qps: 8))
        #expect(h.points.map(\.t) == [later, later.addingTimeInterval(1)])
        #expect(h.latest?.qps == 8)
        h.append(RatePoint(t: later.addingTimeInterval(2), qps: 1e39))       // beyond a 32-bit float
        #expect(h.count == 2)
    }

    /// The newest point is kept beside the ring: whatever changes the ring, it must stay the
    /// ring's last point.
    @Test func latestIsTheNewestPointThroughEveryChange() {
        var h = RateHistory(capacity: 4)
        #expect(h.latest == nil)
        func check(_ what: Comment) { #expect(h.latest == h.points.last, what) }
        h.append(point(1, 10)); check("append")
        h.merge([point(1, 99), point(2, 20), point(3, 30)]); check("merge, a repeat skipped")
        h.append(point(2, 5)); check("an older point ignored")
        h.append(point(4, .nan)); check("a rejected rate")
        for s in 4...9 { h.append(point(s, Double(s))) }; check("past the capacity")
        #expect(h.latest == point(9, 9))
        h.backfill([point(5, 1), point(6, 1), point(10, 100)]); check("backfill with a newer point")
        #expect(h.latest == point(10, 100))
        var older = RateHistory(capacity: 5)
        older.merge([point(20, 1), point(21, 2)])
        older.backfill([point(18, 3), point(19, 4)]); #expect(older.latest == point(21, 2), "backfill of older points only")
        let later = t0.addingTimeInterval(30 * 86_400)
        h.append(RatePoint(t: later, qps: 7)); check("counting from a later time")
        #expect(h.latest == RatePoint(t: later, qps: 7))
        var copy = h
        copy.append(RatePoint(t: later.addingTimeInterval(1), qps: 8))
        #expect(h.latest == RatePoint(t: later, qps: 7) && copy.latest == RatePoint(t: later.addingTimeInterval(1), qps: 8),
                "a copy's newest point is its own")
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
