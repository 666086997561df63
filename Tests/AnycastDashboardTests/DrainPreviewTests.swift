import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// The drain preview of a site whose agent does not answer: its last known rate, with its
/// age, moving to its region's active sites.
@Suite struct DrainPreviewTests {
    @Test func anUnreachableSiteIsPreviewedWithItsLastKnownRate() throws {
        let fleet = FixtureFleet.snapshot()
        let i = try #require(fleet.sites.firstIndex { $0.config.id == "ord1" })
        let last = try #require(fleet.sites[i].history.latest)
        #expect(fleet.sites[i].qps == nil && last.qps > 1)
        var state = FixtureFleet.state(width: 120, height: 40, snapshot: fleet)
        state.selectedSiteID = "ord1"
        _ = DashboardUpdate.update(&state, .key(.character("d")))
        let dialog = try #require(state.dialog)
        #expect(abs(dialog.impact.movingQPS - last.qps) < 0.001, "the last known rate moves")
        let region = fleet.sites[i].config.region
        let activeInRegion = fleet.sites.filter { $0.config.region == region && $0.condition == .active }.count
        #expect(activeInRegion > 0 && dialog.impact.takers == activeInRegion, "its region's active sites take it")
        let text = DashboardView.render(state).text
        #expect(text.contains("last known \(NumberFormat.compactRate(last.qps)) qps"), "\(text)")
        #expect(text.contains("ago"), "with its age")
        #expect(!text.contains("no other active site"), "\(text)")
        #expect(!text.contains("now 0.0 qps"))
    }
}
