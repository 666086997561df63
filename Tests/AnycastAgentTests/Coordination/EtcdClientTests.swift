@testable import AnycastCoordination
import Foundation
import Testing

/// The etcd client against a real three-member etcd cluster on loopback (Debian's
/// etcd-server), started and stopped by each test: keys, prefixes, transactions, leases, and
/// failover when members die. Without etcd installed the tests fail, saying so.
@Suite(.serialized) struct EtcdClientTests {
    /// Runs `body` with a started cluster and a client of all its members; stops both after.
    func withCluster(size: Int = 3, _ body: (EtcdCluster, EtcdClient) async throws -> Void) async throws {
        try #require(EtcdCluster.binary != nil, "etcd is not installed (Debian: etcd-server); scripts/test installs it")
        let cluster = try EtcdCluster(size: size)
        try cluster.start()
        let http = try EtcdClient.makeHTTPClient()
        let client = EtcdClient(endpoints: cluster.endpoints, http: http, timeout: .seconds(3))
        do {
            try await waitUntilUp(client)
            try await body(cluster, client)
        } catch {
            cluster.stop()
            try? await http.shutdown()
            throw error
        }
        cluster.stop()
        try await http.shutdown()
    }

    /// A new cluster elects a leader within a second or two; a write is the proof.
    func waitUntilUp(_ client: EtcdClient) async throws {
        let start = ContinuousClock.now
        while true {
            do { try await client.put("/probe", "up"); return } catch {
                if ContinuousClock.now - start > .seconds(20) { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    @Test func putGetListAndDelete() async throws {
        try await withCluster { _, etcd in
            try await etcd.put("/anycast/sites/ams1", #"{"state":"announce"}"#)
            try await etcd.put("/anycast/sites/fra1", "fra")
            try await etcd.put("/anycast/sitesx", "not under the prefix")
            let one = try #require(try await etcd.get("/anycast/sites/ams1"))
            #expect(String(decoding: one.value, as: UTF8.self) == #"{"state":"announce"}"#)
            #expect(one.modRevision > 0 && one.version == 1)
            let listed = try await etcd.list(prefix: "/anycast/sites/")
            #expect(listed.keys.map(\.key) == ["/anycast/sites/ams1", "/anycast/sites/fra1"])
            #expect(listed.revision >= one.modRevision)
            try await etcd.delete("/anycast/sites/fra1")
            #expect(try await etcd.get("/anycast/sites/fra1") == nil)
        }
    }

    @Test func aTransactionRunsOnlyWhenItsComparisonHolds() async throws {
        try await withCluster { _, etcd in
            try await etcd.put("/budget", "0")
            let seen = try #require(try await etcd.get("/budget"))
            let first = try await etcd.transaction(
                [.modRevision(key: "/budget", equals: seen.modRevision)],
                success: [.put(key: "/budget", value: "1", lease: nil), .range(prefix: "/budget")])
            #expect(first.succeeded)
            #expect(first.ranges.first?.first.map { String(decoding: $0.value, as: UTF8.self) } == "1")
            // The same comparison again: the key has moved on, so the change is refused.
            let second = try await etcd.transaction(
                [.modRevision(key: "/budget", equals: seen.modRevision)],
                success: [.put(key: "/budget", value: "2", lease: nil)], failure: [.range(prefix: "/budget")])
            #expect(!second.succeeded)
            #expect(second.ranges.first?.first.map { String(decoding: $0.value, as: UTF8.self) } == "1")
            // A key that must not exist yet (revision 0).
            let create = try await etcd.transaction([.modRevision(key: "/lock/ams1", equals: 0)],
                                                    success: [.put(key: "/lock/ams1", value: "alice", lease: nil)])
            let again = try await etcd.transaction([.modRevision(key: "/lock/ams1", equals: 0)],
                                                   success: [.put(key: "/lock/ams1", value: "bob", lease: nil)])
            #expect(create.succeeded && !again.succeeded)
            #expect(try await etcd.get("/lock/ams1").map { String(decoding: $0.value, as: UTF8.self) } == "alice")
        }
    }

    @Test func keysOfALeaseVanishWhenItIsRevokedOrExpires() async throws {
        try await withCluster { _, etcd in
            let lease = try await etcd.grantLease(ttl: 2)
            try await etcd.put("/anycast/sites/ams1", "record", lease: lease)
            #expect(try await etcd.get("/anycast/sites/ams1")?.lease == lease)
            #expect(try await etcd.keepAlive(lease) > 0)
            try await etcd.revoke(lease)
            #expect(try await etcd.get("/anycast/sites/ams1") == nil, "revoked: the key is gone")

            let short = try await etcd.grantLease(ttl: 1)
            try await etcd.put("/anycast/sites/fra1", "record", lease: short)
            try await Task.sleep(for: .seconds(3))  // etcd's own clock expires the lease
            #expect(try await etcd.get("/anycast/sites/fra1") == nil, "not kept alive: the key expired with its lease")
            #expect(try await etcd.keepAlive(short) == 0, "an expired lease answers TTL 0")
        }
    }

    @Test func oneMemberDownChangesNothingAndTwoDownIsAnErrorWithinTheTimeout() async throws {
        try await withCluster { cluster, etcd in
            try await etcd.put("/k", "before")
            var statuses: [EtcdClient.MemberStatus] = []
            for endpoint in cluster.endpoints { statuses.append(try await etcd.status(of: endpoint)) }
            #expect(Set(statuses.map(\.memberID)).count == 3, "each member answers for itself")
            #expect(Set(statuses.map(\.leaderID)).count == 1 && statuses[0].leaderID != 0, "and all name the same leader")
            #expect(statuses.allSatisfy { $0.version.hasPrefix("3.") })
            cluster.kill(0)
            await #expect(throws: EtcdError.self, "a dead member's status is an error, with no failover") {
                _ = try await etcd.status(of: cluster.endpoints[0])
            }
            try await etcd.put("/k", "one member down")
            #expect(try await etcd.get("/k").map { String(decoding: $0.value, as: UTF8.self) } == "one member down")

            cluster.kill(1)
            let started = ContinuousClock.now
            await #expect(throws: EtcdError.self, "no quorum: no write") { try await etcd.put("/k", "no quorum") }
            #expect(ContinuousClock.now - started < .seconds(5), "within the call's timeout (3 s), not hanging")

            try cluster.start(1)
            try await waitUntilUp(etcd)
            // A write that timed out without quorum may still be applied once quorum is back
            // (the surviving member had proposed it): its outcome is unknown, never "not done".
            let after = try await etcd.get("/k").map { String(decoding: $0.value, as: UTF8.self) }
            #expect(after == "one member down" || after == "no quorum", "quorum back: the data is there (\(String(describing: after)))")
        }
    }

    @Test func aRefusedRequestIsNotRetriedOnOtherMembers() async throws {
        try await withCluster { _, etcd in
            do {
                _ = try await etcd.keepAlive(-5)
            } catch {
                // Whatever etcd says of a bad lease id, it is an answer, not an unreachable cluster.
                if case .unreachable? = error as? EtcdError { Issue.record("a refusal was taken for an outage: \(error)") }
            }
        }
    }

    @Test func prefixEndFollowsEtcdsRule() {
        #expect(Data(base64Encoded: EtcdWire.prefixEnd("/a/")) == Data("/a0".utf8))
        #expect(Data(base64Encoded: EtcdWire.prefixEnd("é")) == Data([0xC3, 0xAA]), "the last byte, not the last character")
        #expect(Data(base64Encoded: EtcdWire.prefixEnd("")) == Data([0]))
    }
}
