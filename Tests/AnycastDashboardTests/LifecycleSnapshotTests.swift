import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// Staged drains, leases and tickets as the views draw them, at 80 and 120 columns: ams1 held
/// at the de-prefer step (CHG-5), fra1 drained with 1h23m of lease left (CHG-1), lhr1's lease
/// ending in 10 minutes.
@Suite struct LifecycleSnapshotTests {
    static let sizes = [(80, 24), (120, 40)]

    func render(_ state: DashboardState) -> String { DashboardView.render(state).text }
    func type(_ s: inout DashboardState, _ text: String) {
        for c in text { _ = DashboardUpdate.update(&s, .key(.character(c))) }
    }

    static func fleet(maxLease: Double? = nil, requireLease: Bool? = nil) -> FleetSnapshot {
        var fleet = LifecycleFixture.snapshot(maxLease: maxLease, requireLease: requireLease)
        LifecycleFixture.deprefer(&fleet, "ams1", hold: true, ticket: "CHG-5")
        LifecycleFixture.leased(&fleet, "fra1", left: 4980)
        LifecycleFixture.leased(&fleet, "lhr1", left: 600, by: "carol", ticket: nil)
        return fleet
    }

    static func state(width: Int, height: Int, maxLease: Double? = nil, requireLease: Bool? = nil) -> DashboardState {
        var s = LifecycleFixture.state(width: width, height: height, snapshot: fleet(maxLease: maxLease, requireLease: requireLease))
        s.selectedSiteID = "ams1"
        return s
    }

    @Test(arguments: sizes) func fleetBadges(width: Int, height: Int) {
        let text = render(Self.state(width: width, height: height))
        #expect(text.contains("DE-PREFERRED"))
        #expect(text.split(separator: "\n")[0].contains("1 lease <15m"), "the header counts lhr1's lease")
        SnapshotAssertion.check(text, named: "lifecycle-fleet-\(width)x\(height)")
    }

    @Test(arguments: sizes) func tableBadges(width: Int, height: Int) {
        var s = Self.state(width: width, height: height)
        _ = DashboardUpdate.update(&s, .key(.character("v")))
        let text = render(s)
        #expect(text.contains("DE-PREFERRED"))
        SnapshotAssertion.check(text, named: "lifecycle-table-\(width)x\(height)")
    }

    @Test func detailOfADepreferredSite() {
        var s = Self.state(width: 120, height: 40)
        _ = DashboardUpdate.update(&s, .key(.enter))
        _ = DashboardUpdate.update(&s, .agentEvents(siteID: "ams1", events: [
            AgentEvent(seq: 7, time: LifecycleFixture.now.addingTimeInterval(-80), kind: .drain, actor: "alice", service: "dns",
                       message: "drain (de-prefer step) by alice (token noc): swap optics", ticket: "CHG-5", change: .deprefer),
            AgentEvent(seq: 8, time: LifecycleFixture.now.addingTimeInterval(-70), kind: .drain, actor: "alice", service: "dns",
                       message: "drain held at the de-prefer step by alice (token noc): swap optics", ticket: "CHG-5", change: .hold),
        ]))
        let text = render(s)
        #expect(text.contains("[agent · held at de-prefer · CHG-5]"))
        SnapshotAssertion.check(text, named: "lifecycle-detail-deprefer-120x40")
    }

    @Test(arguments: sizes) func detailOfALeasedDrain(width: Int, height: Int) {
        var s = Self.state(width: width, height: height)
        s.selectedSiteID = "fra1"
        _ = DashboardUpdate.update(&s, .key(.enter))
        _ = DashboardUpdate.update(&s, .agentEvents(siteID: "fra1", events: [
            AgentEvent(seq: 3, time: LifecycleFixture.now.addingTimeInterval(-20), kind: .drain, actor: "alice", service: "dns",
                       message: "drain lease extended by alice (token noc): lease now ends at 2026-11-27T18:04:30Z", ticket: "CHG-1", change: .leaseExtended),
        ]))
        let text = render(s)
        #expect(text.contains("DRAINED · 1h23m left · by alice: CHG-1"))
        SnapshotAssertion.check(text, named: "lifecycle-detail-lease-\(width)x\(height)")
    }

    @Test(arguments: sizes) func drainDialogWithTheLeaseField(width: Int, height: Int) {
        var s = Self.state(width: width, height: height, maxLease: 8 * 3600)
        s.selectedSiteID = "iad1"
        _ = DashboardUpdate.update(&s, .key(.character("d")))
        type(&s, "kernel upgrade")
        _ = DashboardUpdate.update(&s, .key(.tab))
        type(&s, "2h")
        let text = render(s)
        #expect(text.contains("lease (e.g. 2h, at most 8h; blank: none): 2h█"))
        SnapshotAssertion.check(text, named: "lifecycle-drain-dialog-\(width)x\(height)")
    }

    @Test func drainDialogWhenALeaseIsRequired() {
        var s = Self.state(width: 80, height: 24, requireLease: true)
        s.selectedSiteID = "iad1"
        _ = DashboardUpdate.update(&s, .key(.character("d")))
        type(&s, "kernel upgrade")
        _ = DashboardUpdate.update(&s, .key(.tab))
        _ = DashboardUpdate.update(&s, .key(.tab))
        type(&s, "CHG-7")
        _ = DashboardUpdate.update(&s, .key(.tab))
        _ = DashboardUpdate.update(&s, .key(.enter))
        SnapshotAssertion.check(render(s), named: "lifecycle-drain-dialog-required-80x24")
    }

    @Test func withdrawNowDialog() {
        var s = Self.state(width: 120, height: 40)
        _ = DashboardUpdate.update(&s, .key(.character("w")))
        _ = DashboardUpdate.update(&s, .key(.enter))
        let text = render(s)
        #expect(text.contains("Withdraw now: ams1 Amsterdam (eu)"))
        SnapshotAssertion.check(text, named: "lifecycle-withdraw-now-120x40")
    }

    @Test func leaseDialog() {
        var s = Self.state(width: 80, height: 24, maxLease: 8 * 3600)
        s.selectedSiteID = "fra1"
        _ = DashboardUpdate.update(&s, .key(.character("e")))
        type(&s, "1h")
        let text = render(s)
        #expect(text.contains("then ends 19:04:30 UTC, in 2h23m"))
        SnapshotAssertion.check(text, named: "lifecycle-lease-dialog-80x24")
    }

    @Test func headerCountsEveryLeaseEndingWithinFifteenMinutes() {
        var fleet = Self.fleet()
        LifecycleFixture.leased(&fleet, "iad1", left: 60)
        let header = String(render(LifecycleFixture.state(width: 160, height: 40, snapshot: fleet)).split(separator: "\n")[0])
        #expect(header.contains("2 leases end <15m"), "\(header)")
        #expect(header.contains("1 de-pref"), "\(header)")
        let none = String(render(LifecycleFixture.state(width: 160, height: 40)).split(separator: "\n")[0])
        #expect(!none.contains("lease"))
    }

    @Test func everyLifecycleViewFitsFromTheMinimumUp() {
        let scenes: [(site: String, key: KeyPress?)] = [("ams1", nil), ("ams1", .character("v")), ("ams1", .enter), ("fra1", .enter),
                                                        ("iad1", .character("d")), ("ams1", .character("w")), ("fra1", .character("e"))]
        for (w, h) in [(40, 10), (52, 14), (80, 24), (120, 40), (200, 60)] {
            for scene in scenes {
                var s = Self.state(width: w, height: h, maxLease: 3600)
                s.selectedSiteID = scene.site
                if let key = scene.key { _ = DashboardUpdate.update(&s, .key(key)) }
                let grid = DashboardView.render(s)
                #expect(grid.width == w && grid.height == h)
                #expect(grid.text.split(separator: "\n").allSatisfy { DisplayWidth.of($0) <= w }, "\(w)×\(h) \(scene)")
            }
        }
    }
}
