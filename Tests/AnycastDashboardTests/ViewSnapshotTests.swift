import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// Every view at 80×24, 120×40 and 200×60, as text.
@Suite struct ViewSnapshotTests {
    static let sizes = [(80, 24), (120, 40), (200, 60)]

    func render(_ state: DashboardState) -> String { DashboardView.render(state).text }

    @Test(arguments: sizes) func fleet(width: Int, height: Int) {
        SnapshotAssertion.check(render(FixtureFleet.state(width: width, height: height)), named: "fleet-\(width)x\(height)")
    }

    @Test(arguments: sizes) func table(width: Int, height: Int) {
        var s = FixtureFleet.state(width: width, height: height)
        _ = DashboardUpdate.update(&s, .key(.character("v")))
        SnapshotAssertion.check(render(s), named: "table-\(width)x\(height)")
    }

    @Test(arguments: sizes) func detail(width: Int, height: Int) {
        var s = FixtureFleet.state(width: width, height: height)
        s.selectedSiteID = "nrt1"
        _ = DashboardUpdate.update(&s, .key(.enter))
        SnapshotAssertion.check(render(s), named: "detail-\(width)x\(height)")
    }

    @Test(arguments: sizes) func events(width: Int, height: Int) {
        var s = FixtureFleet.state(width: width, height: height)
        // Let polling see changes: ams1's agent goes away, lhr1 is drained.
        var next = s.fleet!
        let i = next.sites.firstIndex { $0.config.id == "ams1" }!
        next.sites[i].reachability = .unreachable
        next.sites[i].lastError = "timed out after 800 ms"
        let j = next.sites.firstIndex { $0.config.id == "lhr1" }!
        next.sites[j].status!.services[0].desired = .drain
        next.sites[j].status!.services[0].observed = .withdrawn
        next.sites[j].status!.services[0].drain = DrainRecord(operator: "carol", reason: "fibre cut", since: FixtureFleet.now, mode: .operator)
        _ = DashboardUpdate.update(&s, .fleet(next))
        _ = DashboardUpdate.update(&s, .key(.tab))
        _ = DashboardUpdate.update(&s, .key(.tab))
        _ = DashboardUpdate.update(&s, .key(.tab))
        #expect(s.screen == .events)
        SnapshotAssertion.check(render(s), named: "events-\(width)x\(height)")
    }

    @Test(arguments: sizes) func help(width: Int, height: Int) {
        var s = FixtureFleet.state(width: width, height: height)
        _ = DashboardUpdate.update(&s, .key(.character("?")))
        SnapshotAssertion.check(render(s), named: "help-\(width)x\(height)")
    }

    @Test(arguments: sizes) func drainDialog(width: Int, height: Int) {
        var s = FixtureFleet.state(width: width, height: height)
        s.selectedSiteID = "ams1"
        _ = DashboardUpdate.update(&s, .key(.character("d")))
        for c in "CHG-9 line card" { _ = DashboardUpdate.update(&s, .key(.character(c))) }
        SnapshotAssertion.check(render(s), named: "drain-dialog-\(width)x\(height)")
    }

    @Test func budgetOverrideStep() {
        var s = FixtureFleet.state(snapshot: FixtureFleet.snapshot(minActiveSites: 12))
        s.selectedSiteID = "ams1"
        for k: KeyPress in [.character("d"), .character("x"), .enter, .character("a"), .character("m"), .character("s"), .character("1"), .enter] {
            _ = DashboardUpdate.update(&s, .key(k))
        }
        #expect(s.dialog?.step == .override)
        SnapshotAssertion.check(render(s), named: "drain-override-120x40")
    }

    @Test func monitorBadge() {
        var s = FixtureFleet.state(mode: .monitor)
        _ = DashboardUpdate.update(&s, .key(.character("d")))
        let text = render(s)
        #expect(text.contains(" MONITOR "))
        #expect(!text.contains(" LIVE "))
        SnapshotAssertion.check(text, named: "monitor-120x40")
    }

    @Test func unreachableLooksDifferentFromWithdrawn() {
        let text = render(FixtureFleet.state())
        #expect(text.contains("UNREACHABLE"))
        #expect(text.contains("agent unreachable"))
        #expect(text.contains("DRAINED"))
        #expect(text.contains("by alice 5m ago: CHG-1234"))
        #expect(text.contains("last known: dns announced"), "an unreachable agent's old data is labelled as such")
    }

    @Test func everyWindowFromTheMinimumUpRendersWithoutOverflow() {
        for (w, h) in [(80, 24), (81, 25), (100, 30), (133, 41), (250, 70)] {
            for key: KeyPress? in [nil, .character("v"), .enter, .character("?"), .tab] {
                var s = FixtureFleet.state(width: w, height: h)
                if let key { _ = DashboardUpdate.update(&s, .key(key)) }
                let grid = DashboardView.render(s)
                #expect(grid.width == w && grid.height == h)
                #expect(grid.text.split(separator: "\n").allSatisfy { DisplayWidth.of($0) <= w })
            }
        }
    }

    @Test func thousandSiteTableShowsOnlyAScreenful() {
        var s = FixtureFleet.state(width: 120, height: 40, snapshot: FixtureFleet.snapshot(sites: 1000, variety: false))
        _ = DashboardUpdate.update(&s, .key(.character("v")))
        _ = DashboardUpdate.update(&s, .key(.end))
        let text = render(s)
        #expect(text.contains("of 1000"))
        #expect(text.contains(s.visibleSites.last!.config.id))
    }

    /// The smallest terminals: a table in a tmux split, and below the minimum.
    @Test func narrowTableAndTooSmall() {
        var s = FixtureFleet.state(width: 40, height: 12)
        _ = DashboardUpdate.update(&s, .key(.character("v")))
        SnapshotAssertion.check(render(s), named: "table-40x12")
        _ = DashboardUpdate.update(&s, .resized(width: 30, height: 8))
        SnapshotAssertion.check(render(s), named: "too-small-30x8")
    }

    /// A drain note read whole, over the detail view.
    @Test func drainNoteReader() {
        var fleet = FixtureFleet.snapshot()
        let i = fleet.sites.firstIndex { $0.config.id == "fra1" }!
        fleet.sites[i].status!.services[0].drain!.reason = "[budget override] CHG-20391 replace the line card in the edge router after the optics on port 7 kept flapping overnight; vendor case 7781"
        var s = FixtureFleet.state(width: 80, height: 24, snapshot: fleet)
        s.selectedSiteID = "fra1"
        _ = DashboardUpdate.update(&s, .key(.enter))
        _ = DashboardUpdate.update(&s, .key(.enter))
        SnapshotAssertion.check(render(s), named: "drain-note-reader-80x24")
    }
}
