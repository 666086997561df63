import AnycastCore
import AnycastDashboard
import Foundation

/// The fixture fleet with agents that keep drain leases and staged drains: every `dns` service
/// de-prefers first (3 prepends, 65535:0, withdraw under 10% or after 1m), as the demo's do.
enum LifecycleFixture {
    static let now = FixtureFleet.now

    static func snapshot(maxLease: Double? = nil, requireLease: Bool? = nil) -> FleetSnapshot {
        var fleet = FixtureFleet.snapshot()
        for i in fleet.sites.indices where fleet.sites[i].status != nil {
            fleet.sites[i].status!.agent.drainLifecycle = true
            fleet.sites[i].status!.agent.maxLease = maxLease
            fleet.sites[i].status!.agent.requireLease = requireLease
            fleet.sites[i].status!.services[0].deprefer = DepreferSummary(prepend: 3, gracefulShutdown: true, withdrawBelow: 0.1, stageTimeout: 60)
        }
        return fleet
    }

    /// `site` at the de-prefer step of alice's drain, begun 80 s ago, with 12% of its traffic left.
    static func deprefer(_ fleet: inout FleetSnapshot, _ site: String, hold: Bool = false, ticket: String? = nil) {
        let i = fleet.sites.firstIndex { $0.config.id == site }!
        let qps = fleet.sites[i].qps ?? 1000
        fleet.sites[i].status!.services[0].desired = .drain
        fleet.sites[i].status!.services[0].observed = .announced
        fleet.sites[i].status!.services[0].depreferred = true
        fleet.sites[i].status!.services[0].drain = DrainRecord(
            operator: "alice", reason: "swap optics", since: now.addingTimeInterval(-80), mode: .operator, stage: .deprefer,
            stageSince: now.addingTimeInterval(-80), hold: hold ? true : nil, baselineQps: qps, ticket: ticket)
        fleet.sites[i].qps = qps * 0.12
    }

    /// `site` drained (withdrawn) by `who` with a lease ending `left` seconds from now.
    static func leased(_ fleet: inout FleetSnapshot, _ site: String, left: TimeInterval, by who: String = "alice", ticket: String? = "CHG-1") {
        let i = fleet.sites.firstIndex { $0.config.id == site }!
        fleet.sites[i].status!.services[0].desired = .drain
        fleet.sites[i].status!.services[0].observed = .withdrawn
        fleet.sites[i].status!.services[0].peers = fleet.sites[i].status!.services[0].peers.map { PeerAnnouncement(peer: $0.peer, observed: .withdrawn) }
        fleet.sites[i].status!.services[0].drain = DrainRecord(
            operator: who, reason: "kernel upgrade", since: now.addingTimeInterval(-600), mode: .operator, stage: .withdraw,
            stageSince: now.addingTimeInterval(-590), leaseUntil: now.addingTimeInterval(left), ticket: ticket)
        fleet.sites[i].qps = 2.1
    }

    static func state(width: Int = 120, height: Int = 40, mode: DashboardMode = .live, snapshot: FleetSnapshot? = nil) -> DashboardState {
        FixtureFleet.state(width: width, height: height, mode: mode, snapshot: snapshot ?? self.snapshot())
    }
}
