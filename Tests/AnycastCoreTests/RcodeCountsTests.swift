@testable import AnycastCore
import Foundation
import Testing

@Suite struct RcodeCountsTests {
    @Test func sortedByNameAndReadByName() {
        let counts: RcodeCounts = ["SERVFAIL": 3, "NOERROR": 90, "NXDOMAIN": 7]
        #expect(counts.map(\.name) == ["NOERROR", "NXDOMAIN", "SERVFAIL"])
        #expect(counts["SERVFAIL"] == 3)
        #expect(counts["REFUSED"] == nil)
        #expect(counts == RcodeCounts(["NOERROR": 90, "NXDOMAIN": 7, "SERVFAIL": 3]))
        #expect(counts.byName == ["NOERROR": 90, "NXDOMAIN": 7, "SERVFAIL": 3])
        #expect(RcodeCounts().isEmpty)
    }

    @Test func aRepeatedNameKeepsItsLastTotal() {
        #expect(RcodeCounts(names: ["b", "a", "b"], totals: [1, 2, 3]) == ["a": 2, "b": 3])
        #expect(RcodeCounts(names: ["a", "b"], totals: [1, 2]).map(\.total) == [1, 2])
    }

    /// On the wire it is the JSON object a dictionary of counters was.
    @Test func encodesAsTheDictionaryDid() throws {
        let counts: RcodeCounts = ["SERVFAIL": 3, "NOERROR": 18_446_744_073_709_551_615]
        let encoder = AgentJSON.encoder()
        #expect(try encoder.encode(counts) == encoder.encode(counts.byName))
        #expect(try AgentJSON.decoder().decode(RcodeCounts.self, from: encoder.encode(counts)) == counts)
        #expect(throws: (any Error).self) { try AgentJSON.decoder().decode(RcodeCounts.self, from: Data(#"{"A":-1}"#.utf8)) }
    }

    /// More rcodes than are held inline keep the rest after them, in the same order.
    @Test func moreThanEightKeepTheirOrderAndTotals() {
        let byName = Dictionary(uniqueKeysWithValues: (0..<12).map { ("R\(String($0, radix: 16))", UInt64($0 * 10)) })
        let counts = RcodeCounts(byName)
        #expect(counts.count == 12)
        #expect(counts.map(\.name) == byName.keys.sorted())
        #expect(counts.byName == byName)
        #expect(counts["Rb"] == 110 && counts["R7"] == 70 && counts["R8"] == 80)
        #expect(counts == RcodeCounts(names: byName.keys.sorted(), totals: byName.keys.sorted().map { byName[$0]! }))
        var other = byName
        other["Rb"] = 111
        #expect(counts != RcodeCounts(other), "a total after the eighth counts for equality")
        other["Rb"] = 110
        other["R0"] = 1
        #expect(counts != RcodeCounts(other), "and one of the first eight")
    }

    /// Equal counts hash alike, however they were built.
    @Test func equalCountsHashAlike() {
        let a = RcodeCounts(["NOERROR": 5, "SERVFAIL": 1])
        let b = RcodeCounts(names: ["SERVFAIL", "NOERROR"], totals: [1, 5])
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
    }

    /// The reader's counts share the names of the update before while they are the same, and
    /// read the same as `JSONDecoder` either way.
    @Test func aLinesCountsShareTheNamesOfTheLineBefore() throws {
        func update(_ rcodes: RcodeCounts) throws -> Data {
            try AgentJSON.encoder().encode(StatusUpdate(
                revision: "r", now: Date(timeIntervalSince1970: 1), qps: nil, queriesTotal: nil, rcodes: rcodes, sampledAt: nil,
                latency: LatencyStatus(p50Ms: nil, p95Ms: nil, p99Ms: nil, source: "none", successRatio: nil), history: [], status: nil))
        }
        func storage(_ counts: RcodeCounts) -> UnsafeRawPointer? {
            counts.names.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        }
        let first = try #require(FlatStatusUpdateReader.read(try update(["NOERROR": 1, "SERVFAIL": 2])))
        let sameData = try update(["NOERROR": 3, "SERVFAIL": 4])
        let same = try #require(FlatStatusUpdateReader.read(sameData, previous: first))
        #expect(same.rcodes == ["NOERROR": 3, "SERVFAIL": 4])
        #expect(same == (try AgentJSON.decoder().decode(StatusUpdate.self, from: sameData)))
        #expect(storage(same.rcodes) == storage(first.rcodes), "the names are shared")

        let otherData = try update(["NOERROR": 5, "REFUSED": 6])
        let other = try #require(FlatStatusUpdateReader.read(otherData, previous: same))
        #expect(other.rcodes == ["NOERROR": 5, "REFUSED": 6])
        #expect(other == (try AgentJSON.decoder().decode(StatusUpdate.self, from: otherData)))
        #expect(storage(other.rcodes) != storage(same.rcodes), "new names, a new array")
    }
}
