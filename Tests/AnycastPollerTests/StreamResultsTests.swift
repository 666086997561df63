import AnycastCore
@testable import AnycastPoller
import Foundation
import Testing

/// A stream's results between two takes: the first inline, the rest after it, oldest first.
@Suite struct StreamResultsTests {
    static func update(_ n: Int) -> StatusUpdate {
        StatusUpdate(
            revision: "r", now: Date(timeIntervalSince1970: Double(n)), qps: Double(n), queriesTotal: nil, rcodes: RcodeCounts(),
            sampledAt: nil, latency: LatencyStatus(p50Ms: nil, p95Ms: nil, p99Ms: nil, source: "none", successRatio: nil),
            history: [], status: nil)
    }

    static func qps(_ element: StreamResults.Element?) -> Double? {
        guard case .success(let update)? = element?.result else { return nil }
        return update.qps
    }

    @Test func emptyHoldsNothing() {
        var results = StreamResults()
        #expect(results.isEmpty && results.count == 0)
        #expect(results.popFirst() == nil)
    }

    @Test func oneResultIsTakenOnce() {
        var results = StreamResults()
        results.append((.success(Self.update(1)), true))
        #expect(results.count == 1 && results[0].wholeHistory)
        #expect(Self.qps(results.popFirst()) == 1)
        #expect(results.isEmpty && results.popFirst() == nil)
    }

    @Test func severalAreReadAndTakenOldestFirst() {
        var results = StreamResults()
        for n in 1...4 { results.append((.success(Self.update(n)), false)) }
        results.append((.failure(.timedOut(milliseconds: 5)), false))
        #expect(results.count == 5)
        #expect(results.map { Self.qps($0) } == [1, 2, 3, 4, nil])
        #expect(Self.qps(results.popFirst()) == 1)
        #expect(Self.qps(results.popFirst()) == 2)
        // Appending between takes keeps the order.
        results.append((.success(Self.update(6)), false))
        #expect(results.map { Self.qps($0) } == [3, 4, nil, 6])
        var taken: [Double?] = []
        while let element = results.popFirst() { taken.append(Self.qps(element)) }
        #expect(taken == [3, 4, nil, 6])
        #expect(results.isEmpty)
    }
}
