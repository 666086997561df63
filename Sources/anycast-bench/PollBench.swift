import AnycastCore
import AnycastPoller
import AnycastTLS
import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// CPU per site-poll of the dashboard's poller against running agents (e.g. one `simulate`).
struct PollBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "poll", abstract: "CPU seconds per site-poll of the poller, decoding included.")

    @Option(help: "Fleet config of the agents to poll.") var fleet: String
    @Option(help: "Poll cycles to measure (after 3 warm-up cycles).") var cycles = 30
    @Option(help: "Cycles of the poller's own loop to run after the warm-up and before the measurement (one a second): the whole histories arrive 50 sites a cycle, and the simulated agents are busiest in the first seconds.") var settle = 0
    @Option(help: "status (the poller) or ahc-healthz (bare AsyncHTTPClient round trips to /healthz, no decoding: the old client's floor).") var mode = "status"
    @Option(help: "How the poller follows the agents: stream (GET /v1/status/stream, the dashboard's default) or poll (GET /v1/status/update each cycle).") var transport = "stream"

    func run() async throws {
        let config = try FleetConfigLoader.load(path: fleet).forPolling()
        let tls = try AgentClientTLS.configuration(config.tls)
        let http = AgentClient.makeHTTPClient(tls: tls)
        guard transport == "stream" || transport == "poll" else { throw ValidationError("--transport is stream or poll") }
        let poller = FleetPoller(config: config, client: AgentClient(http: http, tls: tls), streaming: transport == "stream")
        let n = config.sites.count
        /// One round of bare AsyncHTTPClient requests (the `ahc-healthz` mode).
        func healthzCycle() async {
            await withTaskGroup(of: Void.self) { group in
                for site in config.sites {
                    group.addTask { _ = try? await http.execute(HTTPClientRequest(url: site.url + "/healthz"), timeout: .seconds(1)).body.collect(upTo: 1 << 20) }
                }
            }
        }
        var cycleTimes: [Double] = []
        var missed = 0
        var failed = 0
        let cpu0: Double
        let wall0: ContinuousClock.Instant
        if mode == "status" {
            // Warm-up: every agent answers once with its whole history (with 1000 agents in one
            // simulate process the first cycle takes that process seconds), then three cycles.
            for _ in 0..<30 where await !poller.pollOnce(force: true).sites.allSatisfy({ $0.reachability == .ok }) {}
            for _ in 0..<3 { await poller.pollOnce() }
            if settle > 0 { await poller.run(cycles: settle) { _ in } }
            // The dashboard's own loop: it counts a cycle that could not start on time as missed.
            // The poller counts missed cycles over its life: the settling cycles' are not this
            // measurement's.
            let log = CycleLog(missedBefore: await poller.snapshot().pollHealth.missedCycles)
            cpu0 = Self.cpuSeconds(); wall0 = .now
            await poller.run(cycles: cycles) { snapshot in
                // By position: iterating the sites would copy each one, a cost the poller
                // does not have and this measurement must not add to it.
                let sites = snapshot.sites
                await log.add(snapshot.pollHealth, failed: sites.indices.count { sites[$0].reachability != .ok })
            }
            cycleTimes = await log.seconds
            missed = await log.missed
            failed = await log.failed
        } else {
            for _ in 0..<3 { await healthzCycle() }
            cpu0 = Self.cpuSeconds(); wall0 = .now
            for _ in 0..<cycles {
                let s = ContinuousClock.now
                await healthzCycle()
                cycleTimes.append((ContinuousClock.now - s).inSeconds)
                try await Task.sleep(until: s + .seconds(1), clock: .continuous)
            }
        }
        let cpu = Self.cpuSeconds() - cpu0
        let wall = ContinuousClock.now - wall0
        cycleTimes.sort()
        let resident = Self.residentBytes()
        try await http.shutdown()
        print(String(format: "poll-memory: %d sites: the poller alone (no screen) %.1f MiB resident", n, Double(resident) / 1048576))
        let how = mode == "status" ? "\(mode), \(transport)" : mode
        print(String(format: "poll: %d sites, %d cycles (after %d settling), mode %@: %.1f µs CPU per site-poll (%.3f s CPU in %.1f s), cycle p50 %.1f ms p99 %.1f ms, missed cycles %d, sites not ok after a cycle %d",
                     n, cycles, settle, how, cpu / Double(n * cycles) * 1e6, cpu, wall.inSeconds, cycleTimes[cycles / 2] * 1000, cycleTimes[cycles * 99 / 100] * 1000, missed, failed))
    }

    /// The process's resident set in bytes.
    static func residentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        return rss * 1024
    }

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }
}

/// Cycle durations and missed cycles as the poller's run loop reports them.
private actor CycleLog {
    var seconds: [Double] = []
    var missed = 0
    var failed = 0
    /// Missed before the measurement began.
    let missedBefore: Int

    init(missedBefore: Int) { self.missedBefore = missedBefore }

    func add(_ health: PollHealth, failed: Int) {
        seconds.append(health.lastCycleSeconds ?? 0)
        missed = health.missedCycles - missedBefore
        self.failed += failed
    }
}
