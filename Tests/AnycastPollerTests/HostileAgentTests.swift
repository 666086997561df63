import AnycastCore
import AnycastDashboard
import AnycastPoller
import Clocks
import Foundation
import Testing

/// The hostile-agent suite: agents that misbehave in every way the issue lists
/// (scripts/acceptance/hostile_agents.py, which hostile.sh also runs against the real
/// dashboard), polled and streamed. Each must show as its own clear error on its own site,
/// never hold up the cycle, and never make the dashboard hold more than the response cap.
///
/// The poller runs on a test clock: the agents that answer at all (with garbage, a reset, a
/// huge body) do so in real time, while the silent and trickling ones hold their requests until
/// the test moves the clock to the cycle's deadline, and not a moment longer.
@Suite(.serialized, .timeLimit(.minutes(2))) struct HostileAgentTests {
    /// The cases that never finish answering: only the deadline ends their requests.
    static let holding: Set<String> = ["silent", "trickle"]

    /// What each case (the name in the script's manifest) must show.
    static let expected: [String: String] = [
        "silent": "timed out after 800 ms",
        "trickle": "timed out after 800 ms",
        "huge-body": "response larger than 256 KiB",
        "invalid-utf8": "invalid response: not JSON",
        "wrong-types": "invalid response: wrong type at now",
        "huge-array": "invalid response: a history of 10000 points, more than the 900 of a window",
        "deep-nesting": "invalid response: not JSON",
        "cut-mid-body": "connection closed in the middle of the answer",
        "reset": "connection reset",
        // A real TLS server (OpenSSL) meeting a plain-HTTP request sends no byte, not even an
        // alert, and closes with the request unread: a reset, and the dashboard says that.
        "tls-to-plain": "connection reset",
        "tls-alert": "the agent answered with TLS: use an https:// URL for this site",
        "plain-to-tls": "TLS handshake failed: the agent does not speak TLS (use an http:// URL for this site)",
    ]

    /// Streaming: each case once on the stream (region `stream`) and once on the polls after
    /// the stream is answered 404 (region `poll`). Not streaming: every site polled.
    @Test(arguments: [true, false])
    func everyMisbehaviourIsItsOwnErrorAndNothingWaits(streaming: Bool) async throws {
        let agents = try await HostileAgents.start()
        defer { agents.stop() }
        #expect(Set(agents.sites.map(\.name)) == Set(Self.expected.keys), "every case is expected")
        let sites = agents.sites.map {
            SiteConfig(id: $0.id, name: $0.name, region: $0.region, url: "\($0.scheme)://127.0.0.1:\($0.port)", token: "t")
        }
        let caseOf = Dictionary(uniqueKeysWithValues: agents.sites.map { ($0.id, $0.name) })
        // The response cap is configurable (`max_response_kib`); a small one keeps the suite light.
        let config = FleetConfig(name: "hostile", unreachableAfter: 3, maxResponseBytes: 256 * 1024,
                                 regions: [RegionConfig(name: "stream"), RegionConfig(name: "poll")], sites: sites)
        let http = AgentClient.makeHTTPClient()
        let clock = TestClock<Duration>()
        let poller = FleetPoller(config: config, client: AgentClient(http: http), streaming: streaming, clock: AnyClock(clock))
        let holdingSites = agents.sites.filter { Self.holding.contains($0.name) }.count
        var last: FleetSnapshot?
        for cycle in 1...3 {
            let run = try await poller.cycle(on: clock, holding: holdingSites)
            let snap = run.snapshot
            #expect(run.waitingJustBefore == holdingSites, "cycle \(cycle): the silent and trickling agents are waited for until the deadline")
            #expect(run.took == config.requestTimeout, "cycle \(cycle) ends at its deadline, whatever the agents do")
            #expect(snap.pollHealth.lastCycleSeconds == config.requestTimeout.inSeconds)
            for site in snap.sites {
                let expected = caseOf[site.config.id].flatMap { Self.expected[$0] }
                // A site whose stream is refused (404) is polled at once, with what is left of
                // the request timeout: all of it, on a clock that has not moved meanwhile.
                #expect(site.lastError == expected, "\(streaming ? "stream" : "poll"), cycle \(cycle), \(site.config.id): \(site.lastError ?? "no error")")
                #expect(site.status == nil, "\(site.config.id): nothing it sent was taken for data")
            }
            last = snap
        }
        for site in last?.sites ?? [] {
            #expect(site.reachability == .unreachable, "\(site.config.id) after 3 failures: \(site.consecutiveFailures)")
        }
        // What the operator sees: every site's own error on its row of the table, on one screen.
        let snapshot = try #require(last)
        var state = DashboardState(fleetName: "hostile", mode: .monitor, operatorName: "t", budget: DrainBudget(config: config),
                                   now: Date(), width: 240, height: 40)
        _ = DashboardUpdate.update(&state, .fleet(snapshot))
        state.screen = .table
        let screen = DashboardView.render(state).text.split(separator: "\n")
        for site in agents.sites {
            let error = Self.expected[site.name] ?? "?"
            // The row whose first word (after a selection mark) is the site's id.
            let row = screen.first { $0.split(separator: " ").first { $0 != "▶" && $0 != "●" } == Substring(site.id) }
            #expect(row?.contains(String(error.prefix(40))) == true, "\(site.id) shows its error: \(row.map(String.init) ?? "no row")")
        }
        #expect(Set(Self.expected.values).count == Self.expected.count - 3,
                "one message per kind of failure (silent and trickling share theirs, the two kinds of not JSON, and the two resets)")
        poller.close()
        try await http.shutdown()
    }
}
