@testable import AnycastCoordination
import AnycastCore
import Foundation
import Testing

/// Operators' site locks, the dashboard's look at the store, and etcd's own authentication,
/// against a real etcd cluster on loopback started and stopped by each test.
@Suite(.serialized) struct SiteLockTests {
    func withCluster(size: Int = 3, _ body: (EtcdCluster, EtcdClient) async throws -> Void) async throws {
        try await EtcdClientTests().withCluster(size: size, body)
    }

    static let noon = Date(timeIntervalSince1970: 1_764_676_980)  // 2025-12-02 12:03 UTC

    @Test func aSecondOperatorIsRefusedWithTheHoldersLineUntilTheLockIsReleased() async throws {
        try await withCluster { _, etcd in
            let locks = SiteLockStore(client: etcd, prefix: "/t", ttl: .seconds(10))
            let alice = try await locks.take(sites: ["fra1"], holder: "alice", ticket: "CHG-1", action: .drain, at: Self.noon)
            do {
                _ = try await locks.take(sites: ["fra1"], holder: "bob", ticket: nil, action: .drain, at: Date())
                Issue.record("bob took a lock alice holds")
            } catch SiteLockStore.Refusal.held(let lock) {
                #expect(lock.line == "alice: CHG-1, draining since 12:03 UTC")
                #expect(lock.id == alice.id)
            }
            // All or none: a set that includes a locked site leaves no lock behind.
            do {
                _ = try await locks.take(sites: ["ams1", "fra1"], holder: "bob", ticket: nil, action: .drain, at: Date())
                Issue.record("bob took a set that includes alice's site")
            } catch SiteLockStore.Refusal.held(let lock) { #expect(lock.holder == "alice") }
            #expect(try await locks.all().map(\.site) == ["fra1"])
            await alice.release()
            #expect(try await locks.all().isEmpty)
            let bob = try await locks.take(sites: ["fra1"], holder: "bob", ticket: nil, action: .undrain, at: Self.noon)
            #expect(bob.locks.map(\.line) == ["bob: undraining since 12:03 UTC"])
            await bob.release()
        }
    }

    @Test func aLockIsKeptAliveByItsHolderAndEndsWithItsLeaseWhenTheHolderStops() async throws {
        try await withCluster(size: 1) { _, etcd in
            let locks = SiteLockStore(client: etcd, prefix: "/t", ttl: .seconds(2))
            let kept = try await locks.take(sites: ["ams1"], holder: "alice", ticket: nil, action: .drain, at: Date())
            // Three TTLs: the renewals (every second) keep it.
            try await Task.sleep(for: .seconds(6))
            #expect(try await locks.all().map(\.holder) == ["alice"])
            // A holder that dies renews no more: its lease ends, and the lock with it.
            kept.stopRenewing()  // as a process killed with SIGKILL
            let start = ContinuousClock.now
            while try await !locks.all().isEmpty {
                if ContinuousClock.now - start >= .seconds(10) {
                    Issue.record("the lock outlived its 2 s TTL by 8 s")
                    break
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(ContinuousClock.now - start >= .seconds(1), "the lock ended before its TTL")
        }
    }

    @Test func theWatcherReadsMembersLeaderRecordsAndLocks() async throws {
        try await withCluster { cluster, etcd in
            let store = EtcdCoordinationStore(client: etcd, prefix: "/fleet", site: "ams1", leaseTTL: 10)
            let record = SiteRecord(site: "ams1", region: "eu", agentVersion: "t", updatedAt: Self.noon,
                                    services: [ServiceRecord(name: "dns", step: .announce, observed: .announced)])
            try await store.publish(record)
            let locks = SiteLockStore(client: etcd, prefix: "/fleet", ttl: .seconds(10))
            let held = try await locks.take(sites: ["fra1"], holder: "alice", ticket: "CHG-1", action: .drain, at: Self.noon)
            let watcher = CoordinationWatcher(client: etcd, prefix: "/fleet")
            let all = await watcher.read()
            #expect(all.membersUp == 3 && all.hasQuorum)
            #expect(all.members.map(\.name) == ["e1", "e2", "e3"])
            #expect(all.members.filter(\.isLeader).count == 1)
            #expect(all.leader?.name != nil)
            #expect(all.records == [record])
            #expect(all.locks.map(\.line) == ["alice: CHG-1, draining since 12:03 UTC"])
            #expect(all.readAt != nil && all.error == nil)
            // One member down: still a quorum, and the dead member says why.
            cluster.kill(2)
            let two = await watcher.read()
            #expect(two.membersUp == 2 && two.hasQuorum)
            #expect(two.members[2].up == false && two.members[2].error != nil)
            #expect(two.records == [record])
            // Two down: no quorum; the keys cannot be read, and the view says so.
            cluster.kill(1)
            let one = await watcher.read()
            #expect(one.membersUp == 1 && !one.hasQuorum)
            #expect(one.readAt == nil && one.error != nil)
            await held.release()
        }
    }

    @Test func aClusterWithAuthenticationIsUsedWithAUserAndRefusesAWrongPassword() async throws {
        try await withCluster(size: 1) { _, root in
            // Users, a role limited to the fleet's prefix, then authentication on: as an operator
            // would with etcdctl, through the same gateway.
            _ = try await root.call("/v3/auth/user/add", ["name": "root", "password": "rootpw"])
            _ = try await root.call("/v3/auth/role/add", ["name": "root"])
            _ = try await root.call("/v3/auth/user/grant", ["user": "root", "role": "root"])
            _ = try await root.call("/v3/auth/user/add", ["name": "dash", "password": "dashpw"])
            _ = try await root.call("/v3/auth/role/add", ["name": "fleet"])
            _ = try await root.call("/v3/auth/role/grant", ["name": "fleet", "perm": [
                "permType": "READWRITE", "key": EtcdWire.base64("/fleet/"), "range_end": EtcdWire.prefixEnd("/fleet/")]])
            _ = try await root.call("/v3/auth/user/grant", ["user": "dash", "role": "fleet"])
            _ = try await root.call("/v3/auth/enable", [:])

            // Without credentials: refused.
            await #expect(throws: EtcdError.self) { try await root.put("/fleet/x", "1") }
            let http = try EtcdClient.makeHTTPClient()
            defer { Task { try? await http.shutdown() } }
            let dash = EtcdClient(endpoints: root.endpoints, http: http, timeout: .seconds(3),
                                  credentials: .init(username: "dash", password: "dashpw"))
            try await dash.put("/fleet/x", "1")
            #expect(try await dash.get("/fleet/x").map { String(decoding: $0.value, as: UTF8.self) } == "1")
            // Locks and leases work as that user.
            let locks = SiteLockStore(client: dash, prefix: "/fleet", ttl: .seconds(10))
            let held = try await locks.take(sites: ["ams1"], holder: "alice", ticket: nil, action: .drain, at: Date())
            await held.release()
            // Outside its prefix: permission denied, said as etcd says it.
            do {
                try await dash.put("/other", "1")
                Issue.record("a write outside the user's prefix went through")
            } catch { #expect("\(error)".contains("permission denied")) }
            // A wrong password: the error says so.
            let wrong = EtcdClient(endpoints: root.endpoints, http: http, timeout: .seconds(3),
                                   credentials: .init(username: "dash", password: "nope"))
            do {
                _ = try await wrong.get("/fleet/x")
                Issue.record("a wrong password was accepted")
            } catch { #expect("\(error)".contains("authentication failed")) }
            // A token etcd no longer knows is asked for again.
            dash.forgetTokenForTests("not-a-token")
            #expect(try await dash.get("/fleet/x") != nil)
        }
    }
}
