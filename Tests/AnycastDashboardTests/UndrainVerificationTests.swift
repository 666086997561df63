import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// When an undrain counts as verified: the site takes traffic again, however uneven its share.
@Suite struct UndrainVerificationTests {
    /// fra1 (drained in the fixture) undrained from the keyboard, the agent's answer in.
    func undrainFra1() -> DashboardState {
        var s = FixtureFleet.state()
        s.selectedSiteID = "fra1"
        var effects: [DashboardEffect] = []
        for key in [KeyPress.character("u"), .enter] + "fra1".map(KeyPress.character) + [.enter] {
            effects += DashboardUpdate.update(&s, .key(key))
        }
        guard case .perform(let command)? = effects.last else { Issue.record("no undrain sent: \(effects)"); return s }
        _ = DashboardUpdate.update(&s, .actionCompleted(DrainOutcome(command: command, errors: [:])))
        return s
    }

    /// The fleet with fra1 announced again, taking `share` of the mean rate of its region's other active sites.
    func announced(_ s: DashboardState, share: Double, after seconds: TimeInterval) -> FleetSnapshot {
        var fleet = s.fleet!
        let i = fleet.sites.firstIndex { $0.config.id == "fra1" }!
        fleet.sites[i].status!.services[0].desired = .announce
        fleet.sites[i].status!.services[0].observed = .announced
        fleet.sites[i].status!.services[0].drain = nil
        fleet.sites[i].status!.services[0].peers = fleet.sites[i].status!.services[0].peers.map { PeerAnnouncement(peer: $0.peer, observed: .announced) }
        let peers = fleet.sites.filter { $0.config.region == fleet.sites[i].config.region && $0.config.id != "fra1" && $0.condition == .active }
        let mean = peers.map { $0.qps ?? 0 }.reduce(0, +) / Double(peers.count)
        #expect(mean > 100, "the region's other sites carry traffic")
        fleet.sites[i].qps = share * mean
        fleet.takenAt = s.now.addingTimeInterval(seconds)
        return fleet
    }

    @Test(arguments: [0.06, 0.15, 0.5, 1.3])
    func anUndrainTakingAnUnevenShareIsVerified(share: Double) {
        var s = undrainFra1()
        #expect(s.pending["fra1"]?.label == "announcing")
        _ = DashboardUpdate.update(&s, .fleet(announced(s, share: 0, after: 1)))
        #expect(s.pending["fra1"]?.label == "verifying traffic", "announced, no traffic yet")
        _ = DashboardUpdate.update(&s, .fleet(announced(s, share: share, after: 2)))
        guard case .verified? = s.pending["fra1"]?.phase else { Issue.record("\(String(describing: s.pending["fra1"]))"); return }
        #expect(s.log.contains { $0.message.hasPrefix("undrain verified: traffic back at") })
    }

    @Test func anUndrainTheTrafficDoesNotFollowIsNotEffectiveAfterTheDeadline() {
        var s = undrainFra1()
        _ = DashboardUpdate.update(&s, .fleet(announced(s, share: 0.02, after: 1)))
        _ = DashboardUpdate.update(&s, .fleet(announced(s, share: 0.02, after: 30)))
        #expect(s.pending["fra1"]?.label == "verifying traffic", "2% of its peers' rate is not traffic back")
        _ = DashboardUpdate.update(&s, .tick(s.now.addingTimeInterval(s.verifyDeadline + 1)))
        _ = DashboardUpdate.update(&s, .fleet(announced(s, share: 0.02, after: 0)))
        #expect(s.pending["fra1"]?.phase == .notEffective)
        #expect(s.log.contains { $0.level == .critical && $0.message.hasPrefix("undrain not effective") })
    }
}
