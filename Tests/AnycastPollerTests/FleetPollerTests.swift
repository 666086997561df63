import AnycastAgent
import AnycastCore
@testable import AnycastPoller
import Clocks
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
        let clock = TestClock<Duration>()
        let poller = FleetPoller(config: config, client: AgentClient(http: http), clock: AnyClock(clock))

        // The hung agent holds its request; every other answers in real time.
        let run = try await poller.cycle(on: clock, holding: 1)
        let first = run.snapshot
        #expect(run.waitingJustBefore == 1, "the hung agent was given its full timeout")
        #expect(run.took == .milliseconds(800), "the cycle ends at the timeout, within the interval, although one agent never answers")

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

        _ = try await poller.cycle(on: clock, holding: 1)
        let third = try await poller.cycle(on: clock, holding: 1).snapshot
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
        _ = try await poller.cycle(on: clock, holding: 0)
        #expect(await poller.site("dead")?.lastAttempt == deadBefore)
        #expect(await poller.site("dead")?.consecutiveFailures == 3)
        // ...unless the operator asks for a poll now.
        _ = try await poller.cycle(on: clock, holding: 1, force: true)
        #expect(await poller.site("dead")?.consecutiveFailures == 4)

        try await http.shutdown()
        await servers.stop()
    }

    /// A "poll now" asked for during a cycle waits for that cycle and then runs its own; the
    /// run loop's turn during a cycle takes that cycle's picture. Two cycles reading the same
    /// streams at once left one of them waiting for good: the run loop stopped, and the
    /// dashboard kept showing "poll ok" over data minutes old.
    @Test(.timeLimit(.minutes(1))) func aCycleAskedForDuringAnotherRunsAfterIt() async throws {
        let servers = try await TestServers.start(simulatedSites: 1)
        let http = AgentClient.makeHTTPClient()
        // The hung agent's stream never sends its first line: only the deadline ends a cycle.
        let config = fleet(servers.simulatedSites() + [servers.badSites[0]])
        let clock = SleepReportingClock()
        let poller = FleetPoller(config: config, client: AgentClient(http: http), clock: AnyClock(clock))
        // Each cycle's deadline timer sleeps on the clock: the sleeps say when cycles begin.
        var timers = clock.sleeps.makeAsyncIterator()

        let start = clock.now
        let first = Task { await poller.pollOnce() }
        #expect(await timers.next() == start.advanced(by: config.requestTimeout), "the first cycle's deadline")
        let second = Task { await poller.pollOnce(force: true) }
        // Time for a second cycle to begin if it were let (it would sleep until the same
        // deadline, as the test clock has not moved).
        try await Task.sleep(for: .milliseconds(200))

        await clock.test.advance(by: config.requestTimeout)
        let a = await first.value
        #expect(a.pollHealth.cycles == 1)
        #expect(a.sites[0].reachability == .ok, "\(a.sites[0].lastError ?? "")")
        // The second cycle starts now, at the first one's end, with a deadline of its own.
        #expect(await timers.next() == start.advanced(by: config.requestTimeout * 2))
        // The run loop's turn comes during the forced cycle: it takes that cycle's picture.
        let loopTurn = Task { await poller.pollOnce() }
        try await Task.sleep(for: .milliseconds(200))
        await clock.test.advance(by: config.requestTimeout)
        let b = await second.value
        #expect(b.pollHealth.cycles == 2)
        #expect(await loopTurn.value.pollHealth.cycles == 2, "no third cycle")
        #expect(b.sites[0].reachability == .ok, "\(b.sites[0].lastError ?? "")")
        #expect(b.sites[1].lastError == "timed out after 800 ms")

        poller.close()
        try await http.shutdown()
        await servers.stop()
    }

    /// Each snapshot names the sites whose status (beyond traffic) or reachability changed in
    /// its cycle: every site at first, then none while only traffic moves, then a drained one.
    @Test(arguments: [true, false])
    func aSnapshotNamesTheSitesThatChangedInItsCycle(streaming: Bool) async throws {
        let servers = try await TestServers.start(simulatedSites: 3)
        let http = AgentClient.makeHTTPClient()
        let config = fleet(servers.simulatedSites() + [servers.badSites[3]])  // the last: nothing listens
        let poller = FleetPoller(config: config, client: AgentClient(http: http), streaming: streaming)
        let first = await poller.pollOnce()
        #expect(first.changedSites == [0, 1, 2, 3], "first answers and a first failure")

        for agent in servers.simulated.fleet.agents { await agent.refresh() }
        let quiet = await poller.pollOnce()
        #expect(quiet.changedSites == [3], "traffic only, and the dead agent's failure: \(quiet.changedSites ?? [])")

        let agent = servers.simulated.fleet.agents[1]
        _ = try await agent.drain(DrainRequest(reason: "changed-sites test", operator: "tester"), origin: RequestOrigin(tokenName: "test"))
        var drained: [Int] = []
        // A stream's line may come a cycle late on a loaded machine.
        for _ in 0..<20 where !drained.contains(1) {
            try await Task.sleep(for: .milliseconds(50))
            drained = await poller.pollOnce().changedSites ?? []
        }
        #expect(drained.contains(1) && !drained.contains(0) && !drained.contains(2), "\(drained)")

        poller.close()
        try await http.shutdown()
        await servers.stop()
    }

    /// The run loop on a test clock: a cycle at once, then one every interval; a cycle that
    /// overruns counts the cycles it made late as missed and the next starts on the grid.
    /// Bounded: a broken expectation below must fail the test, not leave it waiting forever
    /// for a cycle the clock will never reach.
    @Test(.timeLimit(.minutes(1))) func theRunLoopKeepsItsIntervalAndCountsMissedCycles() async throws {
        let clock = SleepReportingClock()
        // A site whose URL cannot be used fails without any I/O: the loop's timing is the subject.
        let site = SiteConfig(id: "x", name: "x", region: "r", url: "ftp://nowhere", token: nil)
        let config = FleetConfig(name: "t", pollInterval: .milliseconds(500), unreachableAfter: 3, regions: [RegionConfig(name: "r")], sites: [site])
        let http = AgentClient.makeHTTPClient()
        let poller = FleetPoller(config: config, client: AgentClient(http: http), clock: AnyClock(clock))
        let (cycles, seen) = AsyncStream<PollHealth>.makeStream()
        let (overrun, overrunDone) = AsyncStream<Void>.makeStream()
        let loop = Task {
            await poller.run(cycles: 4) { snap in
                seen.yield(snap.pollHealth)
                // The second cycle overruns: it ends only once the test has moved the clock
                // 1.2 s on (the test moves it, not this closure: two advances of a test clock
                // at once can set its time back).
                if snap.pollHealth.cycles == 2 {
                    var moved = overrun.makeAsyncIterator()
                    _ = await moved.next()
                }
            }
        }
        var cycle = cycles.makeAsyncIterator()
        var sleeps = clock.sleeps.makeAsyncIterator()
        let start = clock.now
        // The loop's own sleeps, on the 0.5 s grid; a cycle's deadline timer sleeps on the same
        // clock (0.4 s after the cycle starts) whenever it gets to start before the cycle ends.
        func nextLoopSleep() async -> SleepReportingClock.Instant? {
            while let deadline = await sleeps.next() {
                if start.duration(to: deadline).components.attoseconds % 500_000_000_000_000_000 == 0 { return deadline }
            }
            return nil
        }
        #expect(await cycle.next()?.cycles == 1, "the first cycle runs at once")
        #expect(await nextLoopSleep() == start.advanced(by: .milliseconds(500)), "then it sleeps until 0.5 s")
        await clock.test.advance(by: .milliseconds(499))
        #expect(await poller.snapshot().pollHealth.cycles == 1, "not before the interval")
        await clock.test.advance(by: .milliseconds(1))
        let second = await cycle.next()
        #expect(second?.cycles == 2 && second?.missedCycles == 0)
        await clock.test.advance(by: .milliseconds(1200))
        overrunDone.yield()
        // It overran to 1.7 s: the cycles due at 1.0 and 1.5 s are missed, the next is at 2.0 s.
        #expect(await nextLoopSleep() == start.advanced(by: .seconds(2)))
        await clock.test.advance(by: .milliseconds(299))
        #expect(await poller.snapshot().pollHealth.cycles == 2)
        await clock.test.advance(by: .milliseconds(1))
        let third = await cycle.next()
        #expect(third?.cycles == 3 && third?.missedCycles == 2, "\(String(describing: third))")
        #expect(await nextLoopSleep() == start.advanced(by: .milliseconds(2500)))
        await clock.test.advance(by: .milliseconds(500))
        #expect(await cycle.next()?.cycles == 4)
        await loop.value
        try await http.shutdown()
    }

    /// Agents that speak just after the cycle asks for their lines (15 ms after, here) cost a
    /// wake-up a line every other cycle: the run loop starts its next cycle after them.
    @Test(.timeLimit(.minutes(1))) func theRunLoopMovesItsCycleToJustAfterTheAgentsLines() async throws {
        let line = try await StatusStreamTests.oneLine()
        // One raw agent behind both sites: each line it sends goes down both streams.
        let raw = try await RawStreamAgent.start(line: line)
        let sites = ["a", "b"].map { SiteConfig(id: $0, name: $0, region: "r", url: "http://127.0.0.1:\(raw.port)", token: "t") }
        let config = fleet(sites, interval: .milliseconds(500))
        let clock = SleepReportingClock()
        let http = AgentClient.makeHTTPClient()
        let poller = FleetPoller(config: config, client: AgentClient(http: http), clock: AnyClock(clock))
        let (cycles, seen) = AsyncStream<Int>.makeStream()
        let loop = Task { await poller.run(cycles: 4) { seen.yield($0.pollHealth.cycles) } }
        var cycle = cycles.makeAsyncIterator()
        var sleeps = clock.sleeps.makeAsyncIterator()
        let start = clock.now
        // The loop's own sleeps; each cycle's deadline timer (0.4 s after it begins) sleeps too.
        let deadlines = [0, 500, 1000, 1525].map { start.advanced(by: Duration.milliseconds($0) + config.requestTimeout) }
        func nextLoopSleep() async -> SleepReportingClock.Instant? {
            while let deadline = await sleeps.next() { if !deadlines.contains(deadline) { return deadline } }
            return nil
        }

        #expect(await cycle.next() == 1, "the streams open with their first lines")
        #expect(await nextLoopSleep() == start.advanced(by: .milliseconds(500)))
        await clock.test.advance(by: .milliseconds(500))
        #expect(await cycle.next() == 2, "the second cycle asks; nothing is waiting")
        #expect(await nextLoopSleep() == start.advanced(by: .milliseconds(1000)))

        await clock.test.advance(by: .milliseconds(15))
        try await raw.send(line: line)
        #expect(try await StatusStreamTests.held(poller.streams, [0, 1], reach: 2) == 2, "both streams read their line as it came")
        await clock.test.advance(by: .milliseconds(485))
        #expect(await cycle.next() == 3)
        #expect(await nextLoopSleep() == start.advanced(by: .milliseconds(1525)),
                "the next cycle starts 25 ms late: 10 ms after the lines, which came 15 ms after the ask")
        await clock.test.advance(by: .milliseconds(525))
        #expect(await cycle.next() == 4)
        await loop.value
        poller.close()
        try await http.shutdown()
        try await raw.stop()
    }

    /// Polled agents answer every cycle; a streamed agent sends a line each time it refreshes,
    /// and the next cycle (or the one after, if the line is still on its way) brings it.
    @Test(arguments: [false, true])
    func everyCycleAfterAnAgentMovesOnBringsItsNewData(streaming: Bool) async throws {
        let servers = try await TestServers.start(simulatedSites: 2)
        let http = AgentClient.makeHTTPClient()
        let hungAndDead = servers.badSites.filter { $0.id == "hung" || $0.id == "dead" }
        let config = fleet(servers.simulatedSites() + hungAndDead, interval: .milliseconds(500))
        let poller = FleetPoller(config: config, client: AgentClient(http: http), streaming: streaming)
        var last = await poller.pollOnce()
        for _ in 0..<3 {
            for agent in servers.simulated.fleet.agents { await agent.refresh() }
            var snap = await poller.pollOnce()
            #expect((snap.pollHealth.lastCycleSeconds ?? 1) < 0.5, "a hung and a dead agent never make a cycle overrun its 500 ms interval")
            for site in servers.simulatedSites() {
                let before = try #require(last.sites.first { $0.config.id == site.id }?.lastSuccess)
                var now = try #require(snap.sites.first { $0.config.id == site.id }?.lastSuccess)
                if streaming && now == before {  // the line was still being written
                    snap = await poller.pollOnce()
                    now = try #require(snap.sites.first { $0.config.id == site.id }?.lastSuccess)
                }
                #expect(now > before, "\(site.id) has new data")
            }
            last = snap
        }
        for site in last.sites where site.config.region == "bad" {
            #expect(site.reachability != .ok, "\(site.config.id) never answers")
        }
        try await http.shutdown()
        await servers.stop()
    }

    /// Lines a stream read between two cycles are all taken by the next, oldest first: the
    /// newest one's figures show, and every line's points are in the history.
    @Test func linesHeldBetweenCyclesAreTakenOldestFirst() async throws {
        let servers = try await TestServers.start(simulatedSites: 1)
        let http = AgentClient.makeHTTPClient()
        let poller = FleetPoller(config: fleet(servers.simulatedSites()), client: AgentClient(http: http))
        _ = await poller.pollOnce()
        let agent = try #require(servers.simulated.fleet.agents.first)
        // Each tick moves the simulation a second on: its agent sends a line with a new
        // point. The lines wait in the socket, and the next cycle reads them all at once.
        var sent: [StatusUpdate] = []
        let start = Date()
        for n in 1...3 {
            await servers.simulated.fleet.tick(to: start.addingTimeInterval(Double(n)))
            sent.append(await agent.statusUpdate(known: nil, historyAfter: nil))
        }
        try await Task.sleep(for: .milliseconds(500))  // the last line on its way over loopback
        let snap = await poller.pollOnce()
        let site = try #require(snap.sites.first)
        let newest = try #require(sent.last?.queriesTotal)
        #expect(site.status?.traffic.queriesTotal == newest, "the newest line's figures show")
        #expect(Set(sent.compactMap(\.queriesTotal)).count == 3, "three lines, three counters")
        let points = site.history.points
        for update in sent {
            let point = try #require(update.history.last)
            #expect(points.contains { abs($0.t.timeIntervalSince(point.t)) < 0.001 }, "every line's newest point is held")
        }
        #expect(points.last.map { abs($0.t.timeIntervalSince(sent.last!.history.last!.t)) < 0.001 } == true)
        poller.close()
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
        _ = await poller.pollOnce()
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


/// A test clock that reports each sleep as it begins, so a test moves time only once the code
/// under test is waiting (moved earlier, a sleep until "now" would wait for the next move).
final class SleepReportingClock: Clock, Sendable {
    typealias Instant = TestClock<Duration>.Instant
    let test = TestClock<Duration>()
    /// The deadline of each sleep, as it begins.
    let sleeps: AsyncStream<Instant>
    private let reported: AsyncStream<Instant>.Continuation

    init() { (sleeps, reported) = AsyncStream.makeStream() }

    var now: Instant { test.now }
    var minimumResolution: Duration { test.minimumResolution }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        reported.yield(deadline)
        try await test.sleep(until: deadline, tolerance: tolerance)
    }
}
