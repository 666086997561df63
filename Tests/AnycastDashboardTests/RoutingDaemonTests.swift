import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// Each site's routing daemon, as its agent reports it: in the detail view and the snapshot.
@Suite struct RoutingDaemonTests {
    static func fleet() -> FleetSnapshot {
        var fleet = FixtureFleet.snapshot()
        for i in fleet.sites.indices where fleet.sites[i].status != nil {
            fleet.sites[i].status!.agent.router = fleet.sites[i].config.id == "ams1" ? "frr" : "bird"
            fleet.sites[i].status!.agent.daemons = [fleet.sites[i].status!.agent.router!, "unbound"]
        }
        return fleet
    }

    @Test func theDetailViewNamesTheSitesDaemon() {
        var s = FixtureFleet.state(snapshot: Self.fleet())
        s.selectedSiteID = "ams1"
        _ = DashboardUpdate.update(&s, .key(.enter))
        let text = DashboardView.render(s).text
        #expect(text.contains("routing daemon frr"), "\(text)")
        s.selectedSiteID = "lhr1"
        _ = DashboardUpdate.update(&s, .key(.escape))
        s.selectedSiteID = "lhr1"
        _ = DashboardUpdate.update(&s, .key(.enter))
        #expect(DashboardView.render(s).text.contains("routing daemon bird"))
    }

    @Test func anAgentThatDoesNotSayShowsNoLine() {
        var s = FixtureFleet.state()
        s.selectedSiteID = "ams1"
        _ = DashboardUpdate.update(&s, .key(.enter))
        #expect(!DashboardView.render(s).text.contains("routing daemon"))
    }

    @Test func theSnapshotJSONHasEachSitesDaemon() throws {
        let json = try AgentJSON.encoder().encode(FleetReport(Self.fleet()))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let sites = try #require(object["sites"] as? [[String: Any]])
        #expect(sites.first { $0["id"] as? String == "ams1" }?["router"] as? String == "frr")
        #expect(sites.first { $0["id"] as? String == "lhr1" }?["router"] as? String == "bird")
        var unknown = Self.fleet()
        unknown.sites[unknown.sites.firstIndex { $0.config.id == "ams1" }!].status = nil
        let none = try #require(try JSONSerialization.jsonObject(with: try AgentJSON.encoder().encode(FleetReport(unknown))) as? [String: Any])
        #expect((none["sites"] as? [[String: Any]])?.first { $0["id"] as? String == "ams1" }?["router"] == nil, "never heard from: no daemon")
    }
}
