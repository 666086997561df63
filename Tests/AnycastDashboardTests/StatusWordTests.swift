import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// Routes not known yet and an undrain on its way are statuses of their own, never PARTIAL:
/// a script that alerts on `partial` must not be paged for either.
@Suite struct StatusWordTests {
    /// The fixture fleet with `id`'s only service in the given state.
    static func fleet(_ id: String, desired: DesiredState, observed: ObservedState) -> FleetSnapshot {
        var fleet = FixtureFleet.snapshot()
        let i = fleet.sites.firstIndex { $0.config.id == id }!
        fleet.sites[i].status!.services[0].desired = desired
        fleet.sites[i].status!.services[0].observed = observed
        return fleet
    }

    static func row(_ state: DashboardState, _ id: String) -> String {
        var s = state
        _ = DashboardUpdate.update(&s, .key(.character("v")))
        return DashboardView.render(s).text.split(separator: "\n").first { $0.contains(" \(id) ") }.map(String.init) ?? ""
    }

    @Test func routesNotKnownYetAreUnknownInTheTableAndTheJSON() throws {
        let fleet = Self.fleet("ams1", desired: .announce, observed: .unknown)
        let state = FixtureFleet.state(snapshot: fleet)
        let row = Self.row(state, "ams1")
        #expect(row.contains("UNKNOWN") && !row.contains("PARTIAL"), "\(row)")
        let json = try JSONSerialization.jsonObject(with: AgentJSON.encoder().encode(FleetReport(fleet))) as? [String: Any]
        let sites = json?["sites"] as? [[String: Any]] ?? []
        #expect(sites.first { $0["id"] as? String == "ams1" }?["status"] as? String == "unknown")
        #expect((json?["summary"] as? [String: Any])?["by_status"].flatMap { ($0 as? [String: Int])?["partial"] } == nil)
    }

    @Test func anUndrainOnItsWayIsAnnouncingLikeADrainIsDraining() {
        // Sent from here: ANNOUNCING from the moment it is sent.
        var state = FixtureFleet.state()
        state.pending["fra1"] = PendingAction(kind: .undrain, siteID: "fra1", startedAt: FixtureFleet.now, baselineQPS: 3, phase: .waitingForRoutes)
        #expect(Self.row(state, "fra1").contains("ANNOUNCING"))
        // Sent by anyone: the agent wants it announced, the routes are not there yet.
        let fleet = Self.fleet("fra1", desired: .announce, observed: .withdrawn)
        let row = Self.row(FixtureFleet.state(snapshot: fleet), "fra1")
        #expect(row.contains("ANNOUNCING") && !row.contains("PARTIAL"), "\(row)")
    }

    @Test func neitherCountsAsActiveForTheBudget() {
        let fleet = Self.fleet("ams1", desired: .announce, observed: .unknown)
        let site = fleet.sites.first { $0.config.id == "ams1" }!
        #expect(BudgetSite(site).isActive == false, "a site whose routes are not known is not counted on")
    }
}
