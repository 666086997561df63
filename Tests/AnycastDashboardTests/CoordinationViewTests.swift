import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// What the dashboard shows of the fleet's coordination: a withdrawal the budget holds (the
/// WITHDRAW HELD badge, the detail line, the header, the table's note, snapshot JSON) and
/// agents that lost the store.
@Suite struct CoordinationViewTests {
    static let now = FixtureFleet.now

    /// Two active sites: the first's withdrawal held by the budget, the second's agent lost etcd.
    static func fleet() -> (FleetSnapshot, held: String, lost: String) {
        var fleet = FixtureFleet.snapshot()
        let active = fleet.sites.indices.filter { fleet.sites[$0].condition == .active }
        let (h, l) = (active[0], active[1])
        for i in fleet.sites.indices where fleet.sites[i].status != nil {
            fleet.sites[i].status!.coordination = CoordinationStatus(state: .ok, rule: "hold", since: now.addingTimeInterval(-3600),
                                                                     endpoints: ["http://198.51.100.242:2379"])
        }
        fleet.sites[h].status!.services[0].withdrawHeld = HeldWithdrawal(
            requester: "health", reason: "dns: 2 of 3 sites active (not active: lhr1 withdrawn by health); withdrawing it would leave 1, min_active_sites = 2",
            since: now.addingTimeInterval(-42))
        fleet.sites[l].status!.coordination = CoordinationStatus(state: .lost, rule: "hold", detail: "the coordination store cannot be reached",
                                                                 since: now.addingTimeInterval(-10), endpoints: ["http://198.51.100.242:2379"])
        return (fleet, fleet.sites[h].config.id, fleet.sites[l].config.id)
    }

    @Test func theSummaryCountsHeldWithdrawalsAndLostAgents() {
        let (fleet, _, _) = Self.fleet()
        let sum = FleetSummary(fleet)
        #expect(sum.withdrawalsHeld == 1 && sum.coordinationLost == 1)
    }

    /// The header's words at each width: the long form where there is room, the short one,
    /// and at 80 columns the active count alone beside them (the other counts give way).
    @Test(arguments: [(80, 24, "10 active · 1 held · etcd lost"), (120, 40, "1 unreach. · 1 held · etcd lost"),
                      (200, 50, "1 withdrawal held · etcd lost at 1 site")])
    func theHeaderAndThePanelSayIt(width: Int, height: Int, words: String) {
        let (fleet, held, _) = Self.fleet()
        var s = FixtureFleet.state(width: width, height: height, snapshot: fleet)
        s.selectedSiteID = held
        let text = DashboardView.render(s).text
        let header = String(text.split(separator: "\n")[0])
        #expect(header.contains(words), "\(header)")
        #expect(text.contains("WITHDRAW HELD"), "the held site's panel")
    }

    @Test func theDetailSaysWhyItIsHeld() {
        let (fleet, held, _) = Self.fleet()
        var s = FixtureFleet.state(width: 160, height: 48, snapshot: fleet)
        s.selectedSiteID = held
        _ = DashboardUpdate.update(&s, .key(.enter))
        let text = DashboardView.render(s).text
        #expect(text.contains("WITHDRAW HELD (health, since"), "\(text)")
        #expect(text.contains("min_active_sites = 2"))
    }

    @Test func theSnapshotTableAndJSONCarryTheBudget() throws {
        let (fleet, held, lost) = Self.fleet()
        let report = FleetReport(fleet)
        let budget = try #require(report.budget)
        #expect(budget.heldWithdrawals.map(\.site) == [held] && budget.heldWithdrawals[0].requester == "health")
        #expect(budget.coordinationNotOK == [lost: "lost"])
        let json = String(decoding: try AgentJSON.encoder().encode(report), as: UTF8.self)
        #expect(json.contains(#""held_withdrawals":[{"#) && json.contains(#""coordination_not_ok":{"\#(lost)":"lost"}"#))
        let table = FleetTable.render(fleet, width: 80)
        #expect(table.contains("withdrawal held (health): dns: 2 of 3 sites active"), "\(table)")
    }

    @Test func withoutCoordinationNothingChanges() {
        let fleet = FixtureFleet.snapshot()
        #expect(FleetReport(fleet).budget == nil, "no budget section")
        let sum = FleetSummary(fleet)
        #expect(sum.withdrawalsHeld == 0 && sum.coordinationLost == 0)
    }
}
