@testable import AnycastCore
@testable import AnycastPoller
import Foundation
import NIOCore
import Testing

/// Sites whose agents count the same rcodes hold one array of names between them.
@Suite struct RcodeNamesPoolTests {
    static func storage(_ counts: RcodeCounts) -> UnsafeRawPointer? {
        counts.names.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func equalNamesTakeThePooledArrayAndOthersArePooledUpToTheLimit() {
        let pool = RcodeNamesPool()
        var first: RcodeCounts = ["NOERROR": 1, "SERVFAIL": 2]
        var second: RcodeCounts = ["NOERROR": 3, "SERVFAIL": 4]
        #expect(Self.storage(first) != Self.storage(second))
        pool.share(&first)
        pool.share(&second)
        #expect(Self.storage(second) == Self.storage(first), "the names of the first are shared")
        #expect(second == ["NOERROR": 3, "SERVFAIL": 4], "and the totals are the second's own")

        var other: RcodeCounts = ["NOERROR": 5, "REFUSED": 6]
        let own = Self.storage(other)
        pool.share(&other)
        #expect(Self.storage(other) == own, "other names keep their array, and are pooled")
        var again: RcodeCounts = ["NOERROR": 7, "REFUSED": 8]
        pool.share(&again)
        #expect(Self.storage(again) == own)

        // Past the limit, new kinds of names are not pooled.
        for k in 0..<RcodeNamesPool.limit {
            var counts = RcodeCounts(names: ["X\(k)"], totals: [1])
            pool.share(&counts)
        }
        var late = RcodeCounts(names: ["X\(RcodeNamesPool.limit)"], totals: [1])
        var lateAgain = RcodeCounts(names: ["X\(RcodeNamesPool.limit)"], totals: [2])
        pool.share(&late)
        pool.share(&lateAgain)
        #expect(Self.storage(late) != Self.storage(lateAgain))
    }

    /// Two streams of one set read lines with the same names into one array; a stream with a
    /// pool of its own does not.
    @Test func streamsOfOneSetShareTheirLinesNames() async throws {
        let t = Date(timeIntervalSince1970: 1_795_820_650)
        func chunk(_ rcodes: RcodeCounts) throws -> ByteBuffer {
            let update = StatusUpdate(
                revision: "0123456789abcdef", now: t, qps: 5, queriesTotal: 10, rcodes: rcodes, sampledAt: t,
                latency: LatencyStatus(p50Ms: 1, p95Ms: nil, p99Ms: nil, source: "probe", successRatio: nil),
                history: [], status: nil)
            let line = String(decoding: try AgentJSON.encoder().encode(update), as: UTF8.self) + "\n"
            return ByteBuffer(string: String(line.utf8.count, radix: 16) + "\r\n" + line + "\r\n")
        }
        let lines = [try chunk(["NOERROR": 1, "SERVFAIL": 2]), try chunk(["NOERROR": 3, "SERVFAIL": 4]), try chunk(["NOERROR": 5, "SERVFAIL": 6])]
        let (a, b, alone) = try await StatusStreamTests.loop.submit {
            let pool = RcodeNamesPool()
            var counts: [RcodeCounts] = []
            for (k, line) in lines.enumerated() {
                var line = line
                let stream = StatusStreamTests.openStream(on: -1, rcodeNames: k < 2 ? pool : RcodeNamesPool())
                stream.feed(&line)
                var taken = stream.take()
                counts.append(try #require(try taken.popFirst()?.result.get()).rcodes)
            }
            return (counts[0], counts[1], counts[2])
        }.get()
        #expect(b == ["NOERROR": 3, "SERVFAIL": 4])
        #expect(Self.storage(a) == Self.storage(b), "one set's streams share the names")
        #expect(Self.storage(alone) != Self.storage(a), "another pool's stream keeps its own")
    }
}
