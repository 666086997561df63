import AnycastAgent
import AnycastCoordination
import AnycastCore
import Clocks
import Foundation
import Testing

/// Withdrawals judged by the fleet's budget in the coordination store (an in-memory store with
/// etcd's compare-and-write rule), on a test clock: health withdrawals held by the budget and
/// resumed when it allows, operators refused with who holds the budget, overrides, fail static
/// while the store is lost, the `local` rule, and records that expire.
@Suite(.serialized) struct CoordinatedWithdrawalTests {
    let origin = RequestOrigin(tokenName: "noc-operate", clientAddress: "198.51.100.9")

    typealias Member = CoordinatedSite

    struct Fleet {
        let cluster: MemoryCoordinationCluster
        let clock: TestTime
        let members: [Member]

        subscript(_ id: String) -> Member { members.first { $0.id == id }! }

        /// One second: every agent refreshes (probe, health, changes) and then runs its
        /// coordination round, all at the same moment.
        func tick(_ times: Int = 1) async {
            for _ in 0..<times {
                await clock.advance(1)
                await withTaskGroup(of: Void.self) { group in
                    for m in members { group.addTask { await m.agent.refresh() } }
                }
                await withTaskGroup(of: Void.self) { group in
                    for m in members { group.addTask { await m.agent.coordinate() } }
                }
            }
        }

        func failProbes(_ ids: [String]? = nil, _ failing: Bool = true) {
            for m in members where ids?.contains(m.id) ?? true { m.probe.failing.withLock { $0 = failing } }
        }
    }

    func fleet(_ ids: [String] = ["ams1", "fra1", "lhr1"], budget: DrainBudget? = DrainBudget(minActiveSites: 2, regionMinimums: [:]),
               rule: CoordinationConfig.LossRule = .hold, reachable: Bool = true) async -> Fleet {
        let cluster = MemoryCoordinationCluster()
        if let budget { cluster.publish(budget: budget) }
        cluster.reachable = reachable
        let clock = TestTime()
        var members: [Member] = []
        for id in ids {
            let link = CoordinationLink(store: cluster.handle(site: id), rule: rule, leaseTTL: .seconds(10), endpoints: ["http://198.51.100.250:2379"])
            members.append(await CoordinatedSite.make(id, link: link, time: clock))
        }
        return Fleet(cluster: cluster, clock: clock, members: members)
    }

    func drain(_ m: Member, who: String = "alice", ticket: String? = nil, override: Bool = false, lock: String? = nil) async throws(AgentAPIError) -> SiteStatus {
        try await m.agent.drain(DrainRequest(service: "dns", reason: "maintenance", operator: who, ticket: ticket, budgetOverride: override ? true : nil,
                                             lock: lock), origin: origin)
    }

    // MARK: - Health withdrawals and the budget

    @Test func everyProbeFailingAtOnceWithdrawsOneSiteAndHoldsTheOthers() async throws {
        let f = await fleet()
        #expect(f.cluster.record("ams1")?.service("dns")?.isActive == true, "each agent wrote its record at start")
        f.failProbes()
        await f.tick()
        let withdrawn = f.members.filter(\.withdrawn)
        #expect(withdrawn.count == 1, "min_active_sites = 2 of 3: exactly one may go (\(withdrawn.map(\.id)))")
        for m in f.members where !m.withdrawn {
            let dns = await m.dns()
            let held = try #require(dns.withdrawHeld, "\(m.id) holds its withdrawal")
            #expect(dns.desired == .announce && held.requester == "health")
            #expect(held.reason.contains("2 of 3 sites active") && held.reason.contains("min_active_sites = 2")
                    && held.reason.contains("\(withdrawn[0].id) withdrawn by health"), "\(held.reason)")
            let event = try #require(await m.agent.events(since: 0).events.last { $0.result == "held" })
            #expect(event.kind == .autoWithdraw && event.message.contains("stays announced"), "\(event.message)")
            let metrics = m.agent.metrics!.text()
            #expect(metrics.contains(#"anycast_service_withdraw_held{service="dns",because="budget"} 1"#), "\(metrics)")
        }
        await f.tick(5)
        #expect(f.members.count(where: \.withdrawn) == 1, "still held while the budget is spent")
        #expect(f.cluster.record(withdrawn[0].id)?.service("dns")?.step == .withdraw)

        f.failProbes(nil, false)
        await f.tick(2)
        #expect(f.members.allSatisfy { !$0.withdrawn }, "health back: the withdrawn site is announced again")
        for m in f.members { #expect(await m.dns().withdrawHeld == nil, "\(m.id): nothing held any more") }
    }

    @Test func aHeldWithdrawalGoesAheadByItselfWhenTheBudgetAllows() async throws {
        let f = await fleet()
        _ = try await drain(f["ams1"], ticket: "CHG-7")
        await f.tick()
        f.failProbes(["fra1"])
        await f.tick()
        #expect(!f["fra1"].withdrawn, "ams1 is drained: fra1 going too would leave 1 < 2")
        let held = try #require(await f["fra1"].dns().withdrawHeld)
        #expect(held.reason.contains("ams1 withdrawn by alice: CHG-7"), "the refusal names who holds the budget: \(held.reason)")
        _ = try await f["ams1"].agent.undrain(UndrainRequest(service: "dns", reason: "done", operator: "alice"), origin: origin)
        await f.tick(2)
        #expect(f["fra1"].withdrawn, "ams1 is back, so fra1's held withdrawal went ahead")
        #expect(await f["fra1"].dns().withdrawHeld == nil)
    }

    // MARK: - Operators

    @Test func anOperatorDrainOverTheBudgetIsRefusedWithWhoHoldsItAndAnOverrideGoesAhead() async throws {
        let f = await fleet()
        _ = try await drain(f["ams1"], who: "alice", ticket: "CHG-1")
        await f.tick()
        do {
            _ = try await drain(f["fra1"], who: "bob")
            Issue.record("the second drain should be refused")
        } catch {
            #expect(error.status == 409 && error.code == .budgetRefused)
            #expect(error.message.contains("ams1 withdrawn by alice: CHG-1") && error.message.contains("min_active_sites = 2"), "\(error.message)")
        }
        #expect(!f["fra1"].withdrawn)
        let refused = try #require(await f["fra1"].agent.events(since: 0).events.last { $0.result == "refused" })
        #expect(refused.actor == "bob" && refused.kind == .drainFailed)

        _ = try await drain(f["fra1"], who: "bob", override: true)
        #expect(f["fra1"].withdrawn, "the override goes ahead")
        let applied = try #require(await f["fra1"].agent.events(since: 0).events.last { $0.kind == .drain && $0.result == "applied" })
        #expect(applied.message.contains("BUDGET OVERRIDE"), "the override is recorded as such: \(applied.message)")
        await f.tick()
        #expect(f.cluster.record("fra1")?.service("dns")?.step == .withdraw, "the store knows: it counts against the budget")
    }

    @Test func aDrainOfASiteAnotherOperatorHoldsTheLockOfIsRefusedWithTheirLine() async throws {
        let f = await fleet(budget: DrainBudget(minActiveSites: 1, regionMinimums: [:]))
        let since = Date(timeIntervalSince1970: 1_764_676_980)  // 12:03 UTC
        f.cluster.lock(SiteLock(site: "fra1", id: "lock-a", holder: "alice", ticket: "CHG-1", action: .drain, since: since, client: "host pid 1"))
        do {
            _ = try await drain(f["fra1"], who: "bob")
            Issue.record("bob's drain of a site alice holds went ahead")
        } catch {
            #expect(error.status == 409 && error.code == .siteLocked)
            #expect(error.message.contains("alice: CHG-1, draining since 12:03 UTC"), "\(error.message)")
        }
        #expect(!f["fra1"].withdrawn)
        let refused = try #require(await f["fra1"].agent.events(since: 0).events.last { $0.result == "refused" })
        #expect(refused.actor == "bob" && refused.message.contains("locked by alice"))
        // Even an override does not pass another operator's lock: the budget is not the question.
        await #expect(throws: AgentAPIError.self) { try await drain(f["fra1"], who: "bob", override: true) }
        // The holder's own request (it carries the lock's id) goes ahead, and other sites are free.
        _ = try await drain(f["fra1"], who: "alice", lock: "lock-a")
        #expect(f["fra1"].withdrawn)
        _ = try await drain(f["ams1"], who: "bob")
        #expect(f["ams1"].withdrawn)
    }

    @Test func maxConcurrentChangesHoldsASecondChangeWhileTheFirstIsUnderWay() async throws {
        let f = await fleet(budget: DrainBudget(minActiveSites: 0, regionMinimums: [:], maxConcurrentChanges: 1))
        f["ams1"].daemon.state.withLock { $0.stuck = true }  // its withdrawal never shows: the change stays under way
        _ = try await drain(f["ams1"])
        await f.tick()
        do {
            _ = try await drain(f["fra1"], who: "bob")
            Issue.record("a second change at once should be refused")
        } catch {
            #expect(error.code == .budgetRefused && error.message.contains("1 site is already changing (ams1); max_concurrent_changes = 1"), "\(error.message)")
        }
        f["ams1"].daemon.state.withLock { $0.stuck = false }
        await f.tick()
        _ = try await drain(f["fra1"], who: "bob")
        #expect(f["fra1"].withdrawn, "ams1's change is done, so fra1's may start")
    }

    // MARK: - Fail static

    @Test func withTheStoreLostNoSiteWithdrawsAndHeldWithdrawalsResumeWhenItIsBack() async throws {
        let f = await fleet()
        f.cluster.reachable = false
        await f.tick(3)
        #expect(await f["ams1"].agent.status().coordination?.state == .ok, "nothing asked the store yet: the lease is renewed every third of its 10 s")
        await f.tick()
        let status = try #require(await f["ams1"].agent.status().coordination)
        #expect(status.state == .lost && status.rule == "hold", "the renewal found the store lost")
        f.failProbes()
        await f.tick(3)
        #expect(f.members.allSatisfy { !$0.withdrawn }, "no automatic withdrawal while the budget cannot be checked")
        let held = try #require(await f["ams1"].dns().withdrawHeld)
        #expect(held.reason.contains("keeps announcing (on_coordination_loss = hold)"), "\(held.reason)")
        let metrics = f["ams1"].agent.metrics!.text()
        #expect(metrics.contains(#"anycast_service_withdraw_held{service="dns",because="coordination_lost"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"anycast_coordination_state{state="lost"} 1"#))
        let lost = try #require(await f["ams1"].agent.events(since: 0).events.last { $0.message.hasPrefix("coordination:") })
        #expect(lost.message.contains("keeps announcing"), "\(lost.message)")

        f.cluster.reachable = true
        await f.tick(2)
        #expect(await f["ams1"].agent.status().coordination?.state == .ok)
        #expect(f.members.count(where: \.withdrawn) == 1, "the store is back: the held withdrawals resumed, as many as the budget allows")
    }

    @Test func withTheStoreLostAnOperatorDrainIsRefusedUnlessOverridden() async throws {
        let f = await fleet()
        f.cluster.reachable = false
        await f.tick()
        do {
            _ = try await drain(f["lhr1"])
            Issue.record("a drain whose budget cannot be checked should be refused")
        } catch {
            #expect(error.status == 503 && error.code == .coordinationUnavailable, "\(error)")
            #expect(error.message.contains("cannot be checked"), "\(error.message)")
        }
        #expect(!f["lhr1"].withdrawn)
        _ = try await drain(f["lhr1"], override: true)
        #expect(f["lhr1"].withdrawn, "an override drains even so")
        let applied = try #require(await f["lhr1"].agent.events(since: 0).events.last { $0.kind == .drain && $0.result == "applied" })
        #expect(applied.message.contains("BUDGET OVERRIDE: the budget could not be checked"), "\(applied.message)")
        f.cluster.reachable = true
        await f["lhr1"].agent.coordinate()
        #expect(f.cluster.record("lhr1")?.service("dns")?.step == .withdraw, "once the store is back it is told")
    }

    @Test func anAgentThatStartsWithTheStoreLostComesUpFailingStatic() async throws {
        let f = await fleet(["ams1"], reachable: false)
        f.failProbes()
        await f.tick(2)
        #expect(!f["ams1"].withdrawn)
        #expect(await f["ams1"].agent.status().coordination?.state == .lost)
        #expect(await f["ams1"].dns().withdrawHeld != nil)
    }

    @Test func withoutAPublishedBudgetWithdrawalsAreHeld() async throws {
        let f = await fleet(budget: nil)
        f.failProbes(["ams1"])
        await f.tick(2)
        #expect(!f["ams1"].withdrawn)
        let status = try #require(await f["ams1"].agent.status().coordination)
        #expect(status.state == .noBudget && (status.detail ?? "").contains("anycast-dash budget apply"), "\(status)")
    }

    @Test func theLocalRuleWithdrawsAloneWhileTheStoreIsLost() async throws {
        let f = await fleet(rule: .local)
        f.cluster.reachable = false
        f.failProbes()
        await f.tick()
        #expect(f.members.allSatisfy { $0.withdrawn }, "on_coordination_loss = local: each failing site withdraws itself")
        let event = try #require(await f["ams1"].agent.events(since: 0).events.last { $0.kind == .autoWithdraw && $0.result == "applied" })
        #expect(event.message.contains("decided alone (on_coordination_loss = local)"), "\(event.message)")
    }

    @Test func aSiteWhoseRecordExpiredCountsAsNotActive() async throws {
        let f = await fleet()
        f.cluster.expire("lhr1")  // its agent died; the lease ran out
        f.failProbes(["ams1"])
        await f.clock.advance(1)
        await f["ams1"].agent.refresh()
        #expect(!f["ams1"].withdrawn, "with lhr1 unknown, 2 active: ams1 going would leave 1 < 2")
        let held = try #require(await f["ams1"].dns().withdrawHeld)
        #expect(held.reason.contains("2 of 2 sites active"), "\(held.reason)")
    }

    @Test func aLeaseStillEndsWhileTheStoreIsLost() async throws {
        let f = await fleet(["ams1"], budget: DrainBudget(minActiveSites: 0, regionMinimums: [:]))
        _ = try await f["ams1"].agent.drain(DrainRequest(service: "dns", reason: "short", operator: "alice", lease: 5), origin: origin)
        #expect(f["ams1"].withdrawn)
        f.cluster.reachable = false
        await f.tick(6)
        #expect(!f["ams1"].withdrawn, "the lease ended: announcing again only adds capacity, so it needs no budget")
    }
}
