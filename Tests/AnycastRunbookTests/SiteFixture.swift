import AnycastCore
import Foundation

/// Statuses of a site `s1` with two peers, as its agent would answer during a drain.
enum SiteFixture {
    static let t0 = Date(timeIntervalSince1970: 1_795_800_000)
    /// The simulated fleet's de-prefer step: 3 prepends and 65535:0, withdraw under 10% or after 60 s.
    static let step = DepreferSummary(prepend: 3, gracefulShutdown: true, withdrawBelow: 0.1, stageTimeout: 60)

    /// A staged drain's record: at `stage` since `t0`, 1510 qps before it.
    static func record(_ stage: DrainStage, hold: Bool? = nil, lease: TimeInterval? = nil, ticket: String? = nil) -> DrainRecord {
        DrainRecord(operator: "alice", reason: "CHG-1 maintenance", since: t0, mode: .operator, stage: stage, stageSince: t0,
                    hold: hold, baselineQps: 1510, leaseUntil: lease.map { t0.addingTimeInterval($0) }, ticket: ticket)
    }

    /// One service as the agent reports it; `depreferred` is what both peers are sent.
    static func service(
        _ name: String = "dns", desired: DesiredState, observed: ObservedState, drain: DrainRecord? = nil,
        depreferred: Bool? = nil, staged: Bool = true
    ) -> ServiceStatus {
        let peers = ["transit1", "transit2"].map { PeerAnnouncement(peer: $0, observed: observed, depreferred: staged && observed == .announced ? depreferred : nil) }
        return ServiceStatus(name: name, prefixes: ["203.0.113.0/24"], desired: desired, observed: observed, drain: drain, peers: peers,
                             deprefer: staged ? step : nil, depreferred: staged && observed == .announced ? depreferred : nil)
    }

    static func status(_ services: [ServiceStatus], qps: Double? = 1510, agentNow: TimeInterval = 0, lifecycle: Bool? = true) -> SiteStatus {
        SiteStatus(
            site: SiteIdentity(id: "s1", name: "Site one", region: "eu"),
            agent: AgentInfo(version: "0.1.0", startedAt: t0.addingTimeInterval(-3600), now: t0.addingTimeInterval(agentNow), drainLifecycle: lifecycle),
            services: services, peers: [], traffic: TrafficStatus(qps: qps, queriesTotal: nil, sampledAt: nil, history: []), latency: .none)
    }
}
