import AnycastCore
import AnycastDashboard
import Foundation

/// A deterministic fleet of any size for benchmarks, without agents or HTTP: every site with
/// a full 15-minute history, peers, a service and latency.
enum SyntheticFleet {
    static let now = Date(timeIntervalSince1970: 1_795_797_690)
    static let regions = ["eu", "na", "ap", "sa", "af"]

    static func snapshot(sites count: Int) -> FleetSnapshot {
        var rng = SeededRandom(seed: 7)
        let sites = (0..<count).map { i -> SiteSnapshot in
            let region = regions[i % regions.count]
            let id = String(format: "s%04d", i)
            var s = SiteSnapshot(config: SiteConfig(id: id, name: "Site \(i)", region: region, url: "http://127.0.0.1:1",
                                                    capacityQPS: 50_000))
            let base = 2000 + rng.unit() * 20_000
            for t in 0..<RateHistory.defaultCapacity {
                s.history.append(RatePoint(t: now.addingTimeInterval(Double(t - RateHistory.defaultCapacity)), qps: base * (0.95 + 0.1 * rng.unit())))
            }
            s.qps = s.history.latest?.qps
            let peers = (0..<3).map { p in
                PeerStatus(name: "peer\(p)", address: "198.51.100.\(p + 1)", asn: 64496 + UInt32(p), state: .established,
                           since: now.addingTimeInterval(-86_400), exported: 1)
            }
            s.status = SiteStatus(
                site: SiteIdentity(id: id, name: "Site \(i)", region: region),
                agent: AgentInfo(version: "bench", startedAt: now.addingTimeInterval(-3600), now: now),
                services: [ServiceStatus(name: "dns", prefixes: ["203.0.113.0/24"], desired: .announce, observed: .announced,
                                         peers: peers.map { PeerAnnouncement(peer: $0.name, observed: .announced) })],
                peers: peers, traffic: TrafficStatus(qps: s.qps, queriesTotal: 1_000_000, sampledAt: now, history: []),
                latency: LatencyStatus(p50Ms: 0.5 + rng.unit(), p95Ms: 2, p99Ms: 4, source: "bench"))
            s.reachability = .ok
            s.lastSuccess = now
            return s
        }
        return FleetSnapshot(name: "bench", takenAt: now, sites: sites, regions: regions.map { RegionConfig(name: $0, minActive: 1) },
                             minActiveSites: 1, pollHealth: PollHealth(cycles: 1, lastCycleSeconds: 0.01))
    }

    static func state(sites: Int, width: Int, height: Int, table: Bool) -> DashboardState {
        let fleet = snapshot(sites: sites)
        var state = DashboardState(fleetName: "bench", mode: .live, operatorName: "bench",
                                   budget: DrainBudget(minActiveSites: 1, regionMinimums: [:]), now: now, width: width, height: height)
        _ = DashboardUpdate.update(&state, .fleet(fleet))
        if table { _ = DashboardUpdate.update(&state, .key(.character("v"))) }
        return state
    }
}
