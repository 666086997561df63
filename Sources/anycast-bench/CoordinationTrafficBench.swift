import AnycastAgent
import AnycastCoordination
import AnycastCore
import AnycastSimulatedFleet
import ArgumentParser
import Foundation

/// Runs N simulated site agents with their coordination rounds against a real etcd cluster for
/// a while, as `anycast-agent run` does (a refresh and a coordination round a second each), so a
/// script can read etcd's own request counters before and after: the etcd traffic per site.
struct CoordinationTrafficBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordination-traffic",
        abstract: "N simulated agents keeping their records in etcd for a number of seconds.")

    @Option(help: "Simulated sites.") var sites = 100
    @Option(help: "Seconds to run after every record is written.") var seconds = 60
    @Option(help: "etcd client URLs, comma-separated.") var endpoints: String
    @Option(help: "The records' lease, in seconds (the agent's default lease_ttl is 10 s).") var leaseTtl = 10
    @Option(help: "Key prefix.") var prefix = "/anycast-bench"

    func run() async throws {
        let urls = endpoints.split(separator: ",").map(String.init)
        let http = try EtcdClient.makeHTTPClient()
        let client = EtcdClient(endpoints: urls, http: http, timeout: .seconds(2))
        try await FleetBudgetStore(client: client, prefix: prefix).publish(DrainBudget(minActiveSites: 1, regionMinimums: [:]))
        let ttl = leaseTtl, keys = prefix
        let fleet = SimulatedFleet(siteCount: sites, seed: 1) { identity in
            CoordinationLink(store: EtcdCoordinationStore(client: client, prefix: keys, site: identity.id, leaseTTL: ttl),
                             leaseTTL: .seconds(Int64(ttl)), endpoints: urls)
        }
        await fleet.start()
        await round(fleet)  // every record written once, before the measured window
        FileHandle.standardOutput.write(Data("ready\n".utf8))  // the script reads etcd's counters now
        let start = ContinuousClock.now
        var next = start
        while ContinuousClock.now - start < .seconds(seconds) {
            next = next + .seconds(1)
            try await Task.sleep(until: next, clock: .continuous)
            await fleet.tick(to: Date())
            await round(fleet)
        }
        let ok = await fleet.agents.asyncCount { await $0.status().coordination?.state == .ok }
        print("done: \(sites) sites, \(seconds) s, coordination ok at \(ok) sites")
        try await http.shutdown()
    }

    /// One coordination round of every agent at once.
    func round(_ fleet: SimulatedFleet) async {
        await withTaskGroup(of: Void.self) { group in
            for agent in fleet.agents { group.addTask { await agent.coordinate() } }
        }
    }
}

extension Array where Element: Sendable {
    func asyncCount(_ predicate: (Element) async -> Bool) async -> Int {
        var n = 0
        for e in self where await predicate(e) { n += 1 }
        return n
    }
}
