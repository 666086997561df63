import AnycastAgent
@testable import AnycastCoordination
import AnycastCore
import AsyncHTTPClient
import Foundation
import Testing

/// Site agents coordinating through a real three-member etcd cluster on loopback (started and
/// stopped here): withdrawals racing for the last place in the budget, a hundred times each,
/// for operators and for health; members killed; quorum lost and back; a record expiring when
/// its agent is gone.
@Suite(.serialized) struct EtcdCoordinationTests {
    let origin = RequestOrigin(tokenName: "noc-operate", clientAddress: "198.51.100.9")
    static let prefix = "/anycast-dash/test"

    typealias Member = CoordinatedSite

    struct Lab {
        let cluster: EtcdCluster
        let etcd: EtcdClient
        let members: [Member]

        subscript(_ id: String) -> Member { members.first { $0.id == id }! }

        func refreshAll() async {
            await withTaskGroup(of: Void.self) { group in for m in members { group.addTask { await m.agent.refresh() } } }
        }

        func coordinateAll() async {
            await withTaskGroup(of: Void.self) { group in for m in members { group.addTask { await m.agent.coordinate() } } }
        }

        /// Sites whose record in etcd says they are withdrawn.
        func withdrawnInStore() async throws -> [String] {
            let (kvs, revision) = try await etcd.list(prefix: EtcdCoordinationTests.prefix + "/")
            let view = EtcdCoordinationStore.view(of: kvs, revision: revision, keys: CoordinationKeys(prefix: EtcdCoordinationTests.prefix))
            return view.records.filter { $0.service("dns")?.step != .announce }.map(\.site).sorted()
        }
    }

    /// Runs `body` with a cluster, the budget published, and one agent per site id.
    func withLab(_ ids: [String] = ["ams1", "fra1", "lhr1"], budget: DrainBudget = DrainBudget(minActiveSites: 2, regionMinimums: [:]),
                 leaseTTL: Int = 10, rewriteEvery: Duration = .seconds(15), _ body: (Lab) async throws -> Void) async throws {
        try #require(EtcdCluster.binary != nil, "etcd is not installed (Debian: etcd-server); scripts/test installs it")
        let cluster = try EtcdCluster(size: 3)
        try cluster.start()
        let http = try EtcdClient.makeHTTPClient()
        defer { cluster.stop() }
        do {
            let etcd = EtcdClient(endpoints: cluster.endpoints, http: http, timeout: .seconds(2))
            try await EtcdClientTests().waitUntilUp(etcd)
            let budgets = FleetBudgetStore(client: etcd, prefix: Self.prefix)
            try await budgets.publish(budget)
            #expect(try await budgets.read() == budget, "the published budget reads back")
            var members: [Member] = []
            for id in ids {
                let store = EtcdCoordinationStore(client: etcd, prefix: Self.prefix, site: id, leaseTTL: leaseTTL)
                let link = CoordinationLink(store: store, leaseTTL: .seconds(Int64(leaseTTL)), rewriteEvery: rewriteEvery,
                                            endpoints: cluster.endpoints, timeout: .seconds(2))
                members.append(await CoordinatedSite.make(id, link: link))
            }
            try await body(Lab(cluster: cluster, etcd: etcd, members: members))
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    func drain(_ m: Member, override: Bool = false) async -> AgentAPIError? {
        do {
            _ = try await m.agent.drain(DrainRequest(service: "dns", reason: "race", operator: "op-\(m.id)", budgetOverride: override ? true : nil), origin: origin)
            return nil
        } catch { return error }
    }

    /// A record that cannot be decoded is named in the view's `unreadable`, and is not among the
    /// records, so the budget counts that site as not active.
    @Test func aRecordThatCannotBeReadIsNamedAndNotCounted() throws {
        let keys = CoordinationKeys(prefix: Self.prefix)
        let good = SiteRecord(site: "ams1", region: "eu", agentVersion: "t", updatedAt: Date(timeIntervalSince1970: 0),
                              services: [ServiceRecord(name: "dns", step: .announce, observed: .announced)])
        let view = EtcdCoordinationStore.view(of: [
            EtcdKeyValue(key: keys.site("ams1"), value: try AgentJSON.encoder().encode(good), modRevision: 7),
            EtcdKeyValue(key: keys.site("fra1"), value: Data("{not json".utf8), modRevision: 8),
        ], revision: 9, keys: keys)
        #expect(view.records == [good])
        #expect(view.unreadable.count == 1 && view.unreadable[0].hasPrefix(keys.site("fra1")))
        #expect(view.versions == [keys.site("ams1"): 7, keys.site("fra1"): 8], "an unreadable record is still compared by a write")
        #expect(view.budget == nil)
    }

    // MARK: - Races

    /// Each agent's coordination round (which rewrites its record every time here) runs beside
    /// the drains, so a round that read the record before a claim and writes it after would
    /// undo the claim.
    @Test func twoOperatorsDrainingAtOnceNeverBreakTheBudget() async throws {
        try await withLab(rewriteEvery: .zero) { lab in
            var violations = 0
            for round in 0..<100 {
                async let a = drain(lab["ams1"])
                async let b = drain(lab["fra1"])
                // Started a little later each round, so over the rounds it falls at every point
                // of the drains' read-judge-write.
                async let rounds: Void = { try? await Task.sleep(for: .milliseconds(round % 12)); await lab.coordinateAll() }()
                let (ea, eb, _) = await (a, b, rounds)
                let won = [ea, eb].filter { $0 == nil }.count
                #expect(won == 1, "round \(round): exactly one of two drains fits min_active_sites = 2 of 3 (\(String(describing: ea)), \(String(describing: eb)))")
                for e in [ea, eb].compactMap({ $0 }) { #expect(e.code == .budgetRefused, "round \(round): \(e)") }
                let out = try await lab.withdrawnInStore()
                if out.count > 1 || lab.members.count(where: \.withdrawn) > 1 { violations += 1 }
                for m in lab.members where m.withdrawn {
                    _ = try await m.agent.undrain(UndrainRequest(service: "dns", operator: "op"), origin: origin)
                }
                await lab.refreshAll()
                await lab.coordinateAll()
            }
            #expect(violations == 0)
        }
    }

    @Test func twoSitesFailingHealthAtOnceNeverBreakTheBudget() async throws {
        try await withLab(rewriteEvery: .zero) { lab in
            var violations = 0
            for round in 0..<100 {
                for id in ["ams1", "fra1"] { lab[id].probe.failing.withLock { $0 = true } }
                async let rounds: Void = { try? await Task.sleep(for: .milliseconds(round % 12)); await lab.coordinateAll() }()
                async let refreshed: Void = lab.refreshAll()
                _ = await (rounds, refreshed)
                let withdrawn = lab.members.filter(\.withdrawn).map(\.id)
                #expect(withdrawn.count == 1, "round \(round): exactly one of two failing sites withdraws: \(withdrawn)")
                if try await lab.withdrawnInStore().count > 1 || withdrawn.count > 1 { violations += 1 }
                for id in ["ams1", "fra1"] { lab[id].probe.failing.withLock { $0 = false } }
                await lab.refreshAll()
                await lab.coordinateAll()
                #expect(lab.members.allSatisfy { !$0.withdrawn }, "round \(round): health back, all announced")
            }
            #expect(violations == 0)
        }
    }

    // MARK: - Faults

    @Test func oneMemberDownChangesNothing() async throws {
        try await withLab { lab in
            lab.cluster.kill(0)
            await lab.coordinateAll()
            #expect(await drain(lab["ams1"]) == nil, "two of three members keep quorum")
            let out = try await lab.withdrawnInStore()
            #expect(out == ["ams1"])
            #expect(await lab["fra1"].agent.status().coordination?.state == .ok)
        }
    }

    @Test func withoutQuorumAgentsFailStaticAndResumeWhenItIsBack() async throws {
        try await withLab { lab in
            lab.cluster.kill(0)
            lab.cluster.kill(1)
            for m in lab.members { m.probe.failing.withLock { $0 = true } }
            await lab.refreshAll()
            #expect(lab.members.allSatisfy { !$0.withdrawn }, "no automatic withdrawal without quorum")
            #expect(await lab["ams1"].agent.status().coordination?.state == .lost)
            #expect(await lab["ams1"].agent.status().services[0].withdrawHeld?.reason.contains("keeps announcing") == true)
            #expect(await drain(lab["lhr1"])?.code == .coordinationUnavailable, "a drain is refused unless overridden")

            try lab.cluster.start(0)
            try lab.cluster.start(1)
            try await EtcdClientTests().waitUntilUp(lab.etcd)
            for _ in 0..<3 { await lab.coordinateAll() }
            #expect(lab.members.count(where: \.withdrawn) == 1, "quorum back: the held withdrawals resumed, one site's worth")
            let out = try await lab.withdrawnInStore()
            #expect(out.count == 1, "\(out)")
        }
    }

    @Test func aRecordExpiresWithItsAgentAndTheSiteCountsAsNotActive() async throws {
        try await withLab(leaseTTL: 2) { lab in
            // lhr1's agent is gone (killed): nothing renews its lease from now on.
            let deadline = ContinuousClock.now + .seconds(8)
            let key = CoordinationKeys(prefix: Self.prefix).site("lhr1")
            while try await lab.etcd.get(key) != nil {
                #expect(ContinuousClock.now < deadline, "the record outlived its 2 s lease")
                if ContinuousClock.now >= deadline { return }
                await lab["ams1"].agent.coordinate()
                await lab["fra1"].agent.coordinate()
                try await Task.sleep(for: .milliseconds(250))
            }
            let refused = await drain(lab["ams1"])
            #expect(refused?.code == .budgetRefused, "lhr1 unknown: 2 active, ams1 going would leave 1")
            #expect(refused?.message.contains("2 of 2 sites active") == true, "\(String(describing: refused))")
        }
    }
}
