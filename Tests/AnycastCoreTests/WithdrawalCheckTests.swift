import AnycastCore
import Foundation
import Testing

/// The fleet's budget judged on the site records of the coordination store, as a pure function.
@Suite struct WithdrawalCheckTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func record(_ site: String, region: String = "eu", step: RouteStep = .announce, observed: ObservedState? = nil,
                       by who: String = "health", ticket: String? = nil, changing: Bool = false) -> SiteRecord {
        let drain = step == .announce ? nil : DrainRecord(operator: who, reason: "r", since: t0, mode: who == "health" ? .auto : .operator, ticket: ticket)
        return SiteRecord(site: site, region: region, agentVersion: "test", updatedAt: t0, services: [
            ServiceRecord(name: "dns", step: step, observed: observed ?? (step == .withdraw ? .withdrawn : .announced), drain: drain,
                          changingSince: changing ? t0 : nil),
        ])
    }

    let budget = DrainBudget(minActiveSites: 2, regionMinimums: [:])

    @Test func aWithdrawalWithinTheBudgetIsAllowed() {
        let records = ["ams1", "fra1", "lhr1"].map { Self.record($0) }
        #expect(WithdrawalCheck.check(site: "ams1", region: "eu", services: ["dns"], records: records, budget: budget) == .allowed)
    }

    @Test func aWithdrawalBelowTheMinimumIsRefusedNamingWhoHoldsTheBudget() {
        let records = [Self.record("ams1"), Self.record("fra1"), Self.record("lhr1", step: .withdraw, by: "alice", ticket: "CHG-1")]
        let verdict = WithdrawalCheck.check(site: "ams1", region: "eu", services: ["dns"], records: records, budget: budget)
        #expect(verdict == .refused("dns: 2 of 3 sites active (not active: lhr1 withdrawn by alice: CHG-1); withdrawing ams1 would leave 1, min_active_sites = 2"))
    }

    @Test func onlyAnnouncedAndAllowedServicesCountAsActive() {
        // De-preferred counts as out; a site whose routes are not announced (BGP down) is out.
        let records = [Self.record("ams1"), Self.record("fra1", step: .deprefer, observed: .announced, by: "bob"),
                       Self.record("lhr1", observed: .withdrawn), Self.record("nrt1")]
        guard case .refused(let why) = WithdrawalCheck.check(site: "ams1", region: "eu", services: ["dns"], records: records, budget: budget) else {
            Issue.record("2 of 4 active: ams1 going would leave 1")
            return
        }
        #expect(why.contains("2 of 4 sites active") && why.contains("fra1 de-preferred by bob") && why.contains("lhr1 withdrawn"), "\(why)")
    }

    @Test func aSiteWithoutARecordIsNotCountedAndTheAskerIsCountedEvenBeforeItsFirstWrite() {
        // lhr1's agent is gone (no record): 2 known active, ams1 has not written yet.
        let records = [Self.record("fra1"), Self.record("nrt1")]
        #expect(WithdrawalCheck.check(site: "ams1", region: "eu", services: ["dns"], records: records, budget: budget) == .allowed,
                "ams1 announces (that is why it withdraws): 3 active, 2 after")
        #expect(WithdrawalCheck.check(site: "ams1", region: "eu", services: ["dns"], records: [Self.record("fra1")], budget: budget) != .allowed)
    }

    @Test func regionMinimumsAndConcurrencyLimits() {
        let regional = DrainBudget(minActiveSites: 0, regionMinimums: ["ap": 1], maxConcurrentChanges: 2, regionMaxConcurrentChanges: ["eu": 1])
        let records = [Self.record("ams1"), Self.record("fra1", changing: true), Self.record("nrt1", region: "ap"),
                       Self.record("sin1", region: "ap", step: .withdraw)]
        let eu = WithdrawalCheck.check(site: "ams1", region: "eu", services: ["dns"], records: records, budget: regional)
        #expect(eu == .refused("1 site is already changing in region eu (fra1); region eu max_concurrent_changes = 1"))
        let ap = WithdrawalCheck.check(site: "nrt1", region: "ap", services: ["dns"], records: records, budget: regional)
        guard case .refused(let why) = ap else { Issue.record("ap would fall under its minimum"); return }
        #expect(why.contains("1 of 2 sites active in region ap") && why.contains("region ap min_active = 1"), "\(why)")
        var twoChanging = records
        twoChanging[2] = Self.record("nrt1", region: "ap", changing: true)
        let fleetWide = WithdrawalCheck.check(site: "sin1", region: "ap", services: ["dns"], records: twoChanging + [Self.record("sin1", region: "ap")], budget: regional)
        #expect(fleetWide == .refused("2 sites are already changing (fra1, nrt1); max_concurrent_changes = 2"))
    }

    @Test func theBudgetDocumentRoundTrips() throws {
        let budget = DrainBudget(minActiveSites: 2, regionMinimums: ["eu": 1], maxConcurrentChanges: 1, regionMaxConcurrentChanges: ["eu": 1, "ap": 2])
        let json = try AgentJSON.encoder().encode(budget)
        #expect(String(decoding: json, as: UTF8.self)
                == #"{"max_concurrent_changes":1,"min_active_sites":2,"regions":{"ap":{"max_concurrent_changes":2},"eu":{"max_concurrent_changes":1,"min_active":1}}}"#)
        #expect(try AgentJSON.decoder().decode(DrainBudget.self, from: json) == budget)
        #expect(try AgentJSON.decoder().decode(DrainBudget.self, from: Data("{}".utf8)) == DrainBudget(minActiveSites: 0, regionMinimums: [:]))
    }

    @Test func aSiteRecordRoundTrips() throws {
        var r = Self.record("ams1", step: .withdraw, by: "alice", ticket: "CHG-2", changing: true)
        r.health = .down
        r.services[0].held = HeldWithdrawal(requester: "health", reason: "why", since: Self.t0)
        let json = try AgentJSON.encoder().encode(r)
        #expect(try AgentJSON.decoder().decode(SiteRecord.self, from: json) == r)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""agent_version":"test""#) && text.contains(#""changing_since":"#) && text.contains(#""step":"withdraw""#))
    }
}
