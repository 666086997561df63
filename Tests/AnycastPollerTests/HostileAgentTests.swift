import AnycastCore
import AnycastDashboard
import AnycastPoller
import Foundation
import Testing

/// The hostile-agent suite: agents that misbehave in every way the issue lists, polled and
/// streamed. Each must show as its own clear error on its own site, never hold up the cycle,
/// and never make the dashboard hold more than the response cap.
@Suite(.serialized) struct HostileAgentTests {
    static let cases: [(String, HostileAgent.Behaviour)] = [
        ("silent", .silent),
        ("trickle", .trickle),
        ("huge-body", .hugeBody),
        ("invalid-utf8", .body(Array("{\"revision\":\"r\u{1}\",\"now\":1,\"rcode_names\":[\"".utf8) + [0xFF, 0xFE, 0x22, 0x5D, 0x7D])),
        ("wrong-types", .body(Array("{\"revision\":\"r\",\"now\":\"yesterday\",\"qps\":[1]}".utf8))),
        ("huge-array", .body(Array(("{\"revision\":\"r\",\"now\":1,\"history\":[" + Array(repeating: "1795829268.4,1.5", count: 10_000).joined(separator: ",") + "]}").utf8))),
        ("deep-nesting", .body(Array(("{\"revision\":\"r\",\"now\":1,\"status\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}").utf8))),
        ("close-mid-body", .closeMidBody),
        ("reset", .reset),
        ("tls-to-plain", .tls),
    ]

    @Test(arguments: [true, false])
    func everyMisbehaviourIsItsOwnErrorAndNothingWaits(streaming: Bool) async throws {
        var agents: [HostileAgent] = []
        var sites: [SiteConfig] = []
        for (name, behaviour) in Self.cases {
            let agent = try await HostileAgent.start(behaviour)
            agents.append(agent)
            sites.append(SiteConfig(id: name, name: name, region: "bad", url: "http://127.0.0.1:\(agent.port)", token: "t"))
        }
        // And the reverse of TLS to plain: an https site whose agent speaks plain HTTP.
        let plain = try await HostileAgent.start(.plainHTTP)
        agents.append(plain)
        sites.append(SiteConfig(id: "plain-to-tls", name: "plain-to-tls", region: "bad", url: "https://127.0.0.1:\(plain.port)", token: "t"))
        // The response cap is configurable (`max_response_kib`); a small one keeps the suite light.
        let config = FleetConfig(name: "hostile", unreachableAfter: 3, maxResponseBytes: 256 * 1024, regions: [RegionConfig(name: "bad")], sites: sites)
        let http = AgentClient.makeHTTPClient()
        let poller = FleetPoller(config: config, client: AgentClient(http: http), streaming: streaming)
        let expected: [String: String] = [
            "silent": "timed out after 800 ms",
            "trickle": "timed out after 800 ms",
            "huge-body": "response larger than 256 KiB",
            "invalid-utf8": "invalid response: not JSON",
            "wrong-types": "invalid response: wrong type at now",
            "huge-array": "invalid response: a history of 10000 points, more than the 900 of a window",
            "deep-nesting": "invalid response: not JSON",
            "close-mid-body": "connection closed in the middle of the answer",
            "reset": "connection reset",
            "tls-to-plain": "the agent answered with TLS: use an https:// URL for this site",
            "plain-to-tls": "TLS handshake failed: the agent does not speak TLS (use an http:// URL for this site)",
        ]
        let clock = ContinuousClock()
        var last: FleetSnapshot?
        for cycle in 1...3 {
            let started = clock.now
            let snap = await poller.pollOnce()
            let took = clock.now - started
            #expect(took < .milliseconds(950), "cycle \(cycle) ends within the 1 s interval, whatever the agents do: \(took)")
            for site in snap.sites {
                #expect(site.lastError == expected[site.config.id], "\(streaming ? "stream" : "poll"), cycle \(cycle), \(site.config.id): \(site.lastError ?? "no error")")
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
        for (id, error) in expected {
            let row = screen.first { $0.contains(" \(id.prefix(12))") }
            #expect(row?.contains(String(error.prefix(40))) == true, "\(id) shows its error: \(row.map(String.init) ?? "no row")")
        }
        #expect(Set(expected.values).count == expected.count - 2, "one message per kind of failure (silent and trickling share theirs, and the two kinds of not JSON)")
        poller.close()
        try await http.shutdown()
        for agent in agents { await agent.stop() }
    }
}
