import AnycastCore
import AnycastPoller
import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// CPU per site-poll of the dashboard's poller against running agents (e.g. one `simulate`).
struct PollBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "poll", abstract: "CPU seconds per site-poll of the poller, decoding included.")

    @Option(help: "Fleet config of the agents to poll.") var fleet: String
    @Option(help: "Poll cycles to measure (after 3 warm-up cycles).") var cycles = 30
    @Option(help: "status (the poller) or ahc-healthz (bare AsyncHTTPClient round trips to /healthz, no decoding: the old client's floor).") var mode = "status"

    func run() async throws {
        let config = try FleetConfigLoader.load(path: fleet).forPolling()
        let http = AgentClient.makeHTTPClient()
        let poller = FleetPoller(config: config, client: AgentClient(http: http))
        let n = config.sites.count
        func cycle() async {
            if mode == "status" { await poller.pollOnce(); return }
            await withTaskGroup(of: Void.self) { group in
                for site in config.sites {
                    group.addTask { _ = try? await http.execute(HTTPClientRequest(url: site.url + "/healthz"), timeout: .seconds(1)).body.collect(upTo: 1 << 20) }
                }
            }
        }
        for _ in 0..<3 { await cycle() }
        let cpu0 = Self.cpuSeconds(); let wall0 = ContinuousClock.now
        var cycleTimes: [Double] = []
        for _ in 0..<cycles {
            let s = ContinuousClock.now
            await cycle()
            let d = ContinuousClock.now - s
            cycleTimes.append(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            try await Task.sleep(until: s + .seconds(1), clock: .continuous)
        }
        let cpu = Self.cpuSeconds() - cpu0
        let wall = ContinuousClock.now - wall0
        cycleTimes.sort()
        try await http.shutdown()
        print(String(format: "poll: %d sites, %d cycles, mode %@: %.1f µs CPU per site-poll (%.3f s CPU in %.1f s), cycle p50 %.1f ms p99 %.1f ms",
                     n, cycles, mode, cpu / Double(n * cycles) * 1e6, cpu, Double(wall.components.seconds), cycleTimes[cycles / 2] * 1000, cycleTimes[cycles * 99 / 100] * 1000))
    }

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }
}
