import AnycastAgent
import AnycastCore
import AnycastPoller
import Foundation
import Testing

/// The poller against real HTTP servers on loopback: healthy simulated agents and agents that
/// hang, answer garbage, fail, or are not there.
@Suite(.serialized) struct FleetPollerTests {
    func fleet(_ sites: [SiteConfig], interval: Duration = .seconds(1)) -> FleetConfig {
        let regions = Array(Set(sites.map(\.region))).sorted().map { RegionConfig(name: $0) }
        return FleetConfig(name: "test", pollInterval: interval, unreachableAfter: 3, regions: regions, sites: sites)
    }

    @Test func badAgentsNeverHoldUpTheCycleOrTheHealthySites() async throws {
        let servers = try await TestServers.start()
        let http = AgentClient.makeHTTPClient()
        let config = fleet(servers.simulatedSites() + servers.badSites)
        #expect(config.requestTimeout == .milliseconds(800))
        let poller = FleetPoller(config: config, client: AgentClient(http: http))

        let clock = ContinuousClock()
        let started = clock.now
        let first = await poller.pollOnce()
        let elapsed = clock.now - started
        #expect(elapsed < .seconds(1), "the cycle ends within the interval although one agent never answers (took \(elapsed))")
        #expect(elapsed >= .milliseconds(750), "the hung agent was given its full timeout")

        let byID = Dictionary(uniqueKeysWithValues: first.sites.map { ($0.config.id, $0) })
        for site in servers.simulatedSites() {
            let s = try #require(byID[site.id])
            #expect(s.reachability == .ok, "\(site.id): \(s.lastError ?? "")")
            #expect(s.qps ?? 0 > 0)
            #expect(s.history.count == RateHistory.defaultCapacity, "the agent's whole 15-minute history arrives with the first poll: \(s.history.count)")
            #expect(s.status?.peers.isEmpty == false, "\(site.id): \(String(describing: s.status))")
        }
        let errors = ["hung", "invalid", "error500", "dead"].map { byID[$0]?.lastError ?? "" }
        #expect(errors[0] == "timed out after 800 ms")
        #expect(errors[1].hasPrefix("invalid response"))
        #expect(errors[2].hasPrefix("HTTP 500"))
        #expect(errors[3] == "connection refused")
        #expect(Set(errors).count == 4, "each bad site shows its own error: \(errors)")
        for id in ["hung", "invalid", "error500", "dead"] {
            #expect(byID[id]?.reachability == .pending, "no data yet, not yet unreachable")
        }

        _ = await poller.pollOnce()
        let third = await poller.pollOnce()
        for s in third.sites where s.config.region == "bad" {
            #expect(s.reachability == .unreachable, "\(s.config.id) after 3 failures")
            #expect(s.condition == .unreachable)
            #expect(s.qps == nil)
        }
        for s in third.sites where s.config.region != "bad" {
            #expect(s.reachability == .ok)
            #expect((s.dataAge(now: Date()) ?? 99) < 1.0, "healthy sites stay fresh")
        }

        // Back-off: an unreachable agent is not asked again in the very next cycle.
        let deadBefore = try #require(await poller.site("dead")?.lastAttempt)
        _ = await poller.pollOnce()
        #expect(await poller.site("dead")?.lastAttempt == deadBefore)
        #expect(await poller.site("dead")?.consecutiveFailures == 3)
        // ...unless the operator asks for a poll now.
        _ = await poller.pollOnce(force: true)
        #expect(await poller.site("dead")?.consecutiveFailures == 4)

        try await http.shutdown()
        await servers.stop()
    }

    /// Polled agents answer every cycle; streamed agents send a line each time they refresh
    /// (once a second), so a 500 ms cycle takes a new line every other cycle.
    @Test(arguments: [false, true])
    func runLoopPollsEveryIntervalWithoutMissingCycles(streaming: Bool) async throws {
        let servers = try await TestServers.start(simulatedSites: 2)
        let http = AgentClient.makeHTTPClient()
        let hungAndDead = servers.badSites.filter { $0.id == "hung" || $0.id == "dead" }
        let config = fleet(servers.simulatedSites() + hungAndDead, interval: .milliseconds(500))
        let poller = FleetPoller(config: config, client: AgentClient(http: http), streaming: streaming)
        let seen = SnapshotLog()
        let loop = Task { await poller.run { await seen.add($0) } }
        try await Task.sleep(for: .milliseconds(2600))
        loop.cancel()
        await loop.value
        let snaps = await seen.snapshots
        #expect(snaps.count >= 4, "a cycle every 500 ms: \(snaps.count) in 2.6 s")
        #expect(snaps.last?.pollHealth.missedCycles == 0)
        var lastGood: [String: Date] = [:]
        var fresh: [String: Int] = [:]
        for snap in snaps {
            for s in snap.sites where s.config.region != "bad" {
                let t = try #require(s.lastSuccess)
                if let prev = lastGood[s.config.id] {
                    if streaming { #expect(t >= prev) } else { #expect(t > prev, "\(s.config.id) was polled again this cycle") }
                    if t > prev { fresh[s.config.id, default: 0] += 1 }
                }
                lastGood[s.config.id] = t
            }
        }
        for site in servers.simulatedSites() {
            #expect(fresh[site.id, default: 0] >= (streaming ? 2 : snaps.count - 1), "\(site.id): new data in \(fresh[site.id, default: 0]) of \(snaps.count) cycles")
        }
        try await http.shutdown()
        await servers.stop()
    }

    @Test func aFleetShowsAtOnceAndItsHistoriesFollowWithinABudgetPerCycle() async throws {
        let servers = try await TestServers.start(simulatedSites: 3)
        let http = AgentClient.makeHTTPClient()
        let poller = FleetPoller(config: fleet(servers.simulatedSites()), client: AgentClient(http: http), historyLoadsPerCycle: 1)
        let first = await poller.pollOnce()
        #expect(first.sites.allSatisfy { $0.reachability == .ok && $0.status != nil }, "every site's state shows after the first cycle")
        #expect(first.sites.filter { $0.history.count == RateHistory.defaultCapacity }.count == 1, "one whole history per cycle: \(first.sites.map(\.history.count))")
        #expect(first.sites.filter { $0.history.count <= 1 }.count == 2, "the others bring their newest point only")
        try await Task.sleep(for: .milliseconds(1100))
        _ = await poller.pollOnce()
        try await Task.sleep(for: .milliseconds(1100))
        let third = await poller.pollOnce()
        for site in third.sites {
            #expect(site.history.count == RateHistory.defaultCapacity, "\(site.config.id): \(site.history.count)")
            let times = site.history.points.map(\.t)
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "\(site.config.id): times strictly rising")
        }
        try await http.shutdown()
        await servers.stop()
    }

    @Test func thePollPathAsksForTheWholeWindowFirstAndThenOnlyWhatIsNew() {
        #expect(AgentClient.updatePath(known: nil, historyAfter: nil) == "/v1/status/update?history=900")
        #expect(AgentClient.updatePath(known: "r1", historyAfter: nil, historyPoints: 60) == "/v1/status/update?known=r1&history=60")
        #expect(AgentClient.updatePath(known: "r1", historyAfter: Date(timeIntervalSince1970: 12.5)) == "/v1/status/update?known=r1&history_after=12.500")
    }

    @Test func historyIsFetchedIncrementally() async throws {
        let servers = try await TestServers.start(simulatedSites: 1)
        let http = AgentClient.makeHTTPClient()
        let client = AgentClient(http: http)
        let site = servers.simulatedSites()[0]
        let full = try await client.status(of: site, timeout: .seconds(2))
        #expect(full.traffic.history.count == 300)
        let newest = try #require(full.traffic.history.last?.t)
        let now = Date()
        for second in 1...3 { await servers.simulated.fleet.tick(to: now.addingTimeInterval(Double(second))) }
        let delta = try await client.status(of: site, historyAfter: newest, timeout: .seconds(2))
        #expect((3...4).contains(delta.traffic.history.count), "only the new seconds: \(delta.traffic.history.count)")
        #expect(delta.traffic.history.allSatisfy { $0.t > newest })
        try await http.shutdown()
        await servers.stop()
    }
}

actor SnapshotLog {
    var snapshots: [FleetSnapshot] = []
    func add(_ s: FleetSnapshot) { snapshots.append(s) }
}
