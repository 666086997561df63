import AnycastCore
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
}
