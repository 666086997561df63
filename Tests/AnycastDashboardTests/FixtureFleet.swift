import AnycastSimulation
import AnycastCore
import AnycastDashboard
import Foundation

/// A deterministic fleet for view and update tests: simulated sites frozen at a fixed time,
/// with one site drained, one agent unreachable and one peer down.
enum FixtureFleet {
    static let now = Date(timeIntervalSince1970: 1_795_797_690)  // 2026-11-27 16:41:30 UTC

    static func snapshot(sites count: Int = 12, seed: UInt64 = 42, minActiveSites: Int = 6, variety: Bool = true) -> FleetSnapshot {
        var model = FleetModel(siteCount: count, seed: seed, start: now)
        let dns = [ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24", "2001:db8:53::/48"])]
        var regions: [String] = []
        var sites: [SiteSnapshot] = []
        for p in model.profiles {
            let id = p.identity.id
            if !regions.contains(p.identity.region) { regions.append(p.identity.region) }
            let config = SiteConfig(id: id, name: p.identity.name, region: p.identity.region,
                                    url: "http://127.0.0.1:9100", token: "t", capacityQPS: p.capacityQPS, location: p.identity.location)
            var snap = SiteSnapshot(config: config)
            let obs = try! model.observation(site: id, services: dns)
            let counters = try! model.counters(site: id)
            let history = try! model.history(site: id)
            snap.history.merge(history)
            snap.qps = try! model.currentQPS(site: id)
            snap.status = SiteStatus(
                site: p.identity, agent: AgentInfo(version: "0.1.0", startedAt: now.addingTimeInterval(-7200), now: now, daemons: ["bird", "unbound"]),
                services: [ServiceStatus(name: "dns", prefixes: dns[0].prefixes, desired: .announce,
                                         observed: obs.services["dns"]!.observed, peers: obs.services["dns"]!.peers)],
                peers: obs.peers,
                traffic: TrafficStatus(qps: snap.qps, queriesTotal: counters.queriesTotal, rcodes: RcodeCounts(counters.rcodes), sampledAt: now, history: []),
                latency: try! model.latency(site: id))
            snap.reachability = .ok
            snap.lastSuccess = now.addingTimeInterval(-0.4)
            snap.lastAttempt = snap.lastSuccess
            sites.append(snap)
        }
        if variety && sites.count >= 6 {
            // fra1: drained by an operator 5 minutes ago, traffic gone.
            if let i = sites.firstIndex(where: { $0.config.id == "fra1" }) {
                sites[i].status!.services[0].desired = .drain
                sites[i].status!.services[0].observed = .withdrawn
                sites[i].status!.services[0].drain = DrainRecord(operator: "alice", reason: "CHG-1234 router maintenance", since: now.addingTimeInterval(-300), mode: .operator)
                sites[i].status!.services[0].peers = sites[i].status!.services[0].peers.map { PeerAnnouncement(peer: $0.peer, observed: .withdrawn) }
                for p in sites[i].status!.peers.indices { sites[i].status!.peers[p].exported = 0 }
                sites[i].qps = 3.2
            }
            // ord1: the agent stopped answering 40 s ago.
            if let i = sites.firstIndex(where: { $0.config.id == "ord1" }) {
                sites[i].reachability = .unreachable
                sites[i].consecutiveFailures = 12
                sites[i].lastError = "connection refused"
                sites[i].lastSuccess = now.addingTimeInterval(-40)
                sites[i].qps = nil
            }
            // nrt1: one BGP session down.
            if let i = sites.firstIndex(where: { $0.config.id == "nrt1" }), !sites[i].status!.peers.isEmpty {
                sites[i].status!.peers[0].state = .active
                sites[i].status!.peers[0].exported = 0
                sites[i].status!.peers[0].lastError = "Hold timer expired"
                sites[i].status!.peers[0].since = now.addingTimeInterval(-95)
            }
        }
        return FleetSnapshot(
            name: "dns-prod", takenAt: now, sites: sites,
            regions: regions.map { RegionConfig(name: $0, minActive: 1) }, minActiveSites: minActiveSites,
            pollHealth: PollHealth(cycles: 120, lastCycleSeconds: 0.021, missedCycles: 0))
    }

    static func state(width: Int = 120, height: Int = 40, mode: DashboardMode = .live, snapshot: FleetSnapshot? = nil) -> DashboardState {
        let fleet = snapshot ?? self.snapshot()
        let budget = DrainBudget(minActiveSites: fleet.minActiveSites,
                                 regionMinimums: Dictionary(uniqueKeysWithValues: fleet.regions.map { ($0.name, $0.minActive) }))
        var state = DashboardState(fleetName: fleet.name, mode: mode, operatorName: "bob", budget: budget, now: now,
                                   width: width, height: height, themeNames: ["default", "light", "monochrome"], themeName: "default")
        _ = DashboardUpdate.update(&state, .fleet(fleet))
        return state
    }
}
