import AnycastAgent
import AnycastCore
import AnycastDashboard
import AnycastPoller
import AnycastTUI
import Foundation
import Testing

/// The dashboard's drain flow end to end against simulated agents over real HTTP: keys →
/// update → the drain sent by DrainSender → polling sees DRAINING, DRAINED, then verified as the
/// traffic leaves; and the undrain back.
@Suite(.serialized) struct DashboardDrainFlowTests {
    @Test func drainAndUndrainFromTheKeyboard() async throws {
        let servers = try await TestServers.start(simulatedSites: 12, seed: 21)
        let http = AgentClient.makeHTTPClient()
        let client = AgentClient(http: http)
        let operateSites = servers.simulatedSites(token: "demo-operate")
        let regions = Array(Set(operateSites.map(\.region))).sorted().map { RegionConfig(name: $0, minActive: 1) }
        let config = FleetConfig(name: "flow", minActiveSites: 6, regions: regions, sites: operateSites)
        let poller = FleetPoller(config: config, client: client)
        var state = DashboardState(fleetName: "flow", mode: .live, operatorName: "flow-test", budget: DrainBudget(config: config),
                                   now: Date(), width: 120, height: 40)
        _ = DashboardUpdate.update(&state, .fleet(await poller.pollOnce()))
        state.selectedSiteID = "ams1"

        func keys(_ text: String) -> [KeyPress] { text.map(KeyPress.character) }
        var effects: [DashboardEffect] = []
        // The simulated sites drain in stages; this flow withdraws at once (the dialog's stage
        // field, three Tabs down: reason, lease, ticket, stage), so the simulated seconds
        // below see the withdrawal.
        for key in [.character("d")] + keys("swap optics") + [.tab, .tab, .tab] { effects += DashboardUpdate.update(&state, .key(key)) }
        for _ in 0..<3 where state.dialog?.stage != .now { effects += DashboardUpdate.update(&state, .key(.right)) }
        #expect(state.dialog?.stageToSend == .withdraw)
        for key in [.enter] + keys("ams1") + [.enter] { effects += DashboardUpdate.update(&state, .key(key)) }
        guard case .perform(let command)? = effects.last else { Issue.record("no drain sent: \(effects)"); return }
        let outcome = await DrainSender.send(command, sites: operateSites, client: client)
        #expect(outcome.errors.isEmpty)
        #expect(DashboardUpdate.update(&state, .actionCompleted(outcome)) == [.pollNow])
        _ = DashboardUpdate.update(&state, .fleet(await poller.pollOnce(force: true)))
        #expect(DashboardView.render(state).text.contains("DRAINING"), "routes not withdrawn yet: the panel says DRAINING")

        // The simulation's clock moves on second by second, polled like the real loop.
        let start = Date()
        for second in 1...12 {
            let t = start.addingTimeInterval(Double(second))
            await servers.simulated.fleet.tick(to: t)
            _ = DashboardUpdate.update(&state, .fleet(await poller.pollOnce(force: true)))
            _ = DashboardUpdate.update(&state, .tick(t))
        }
        guard case .verified? = state.pending["ams1"]?.phase else { Issue.record("not verified: \(String(describing: state.pending["ams1"]))"); return }
        let ams = try #require(state.fleet?.sites.first { $0.config.id == "ams1" })
        #expect(ams.condition == .drained)
        #expect(ams.status?.services.first?.drain?.operator == "flow-test")
        #expect(ams.status?.services.first?.drain?.reason == "swap optics")
        #expect(DashboardView.render(state).text.contains("DRAINED  verified ✓"))

        // Undrain: same confirmation; verified when the traffic is back.
        effects = []
        let undrainKeys: [KeyPress] = [.character("u"), .enter] + keys("ams1") + [.enter]
        for key in undrainKeys { effects += DashboardUpdate.update(&state, .key(key)) }
        guard case .perform(let undo)? = effects.last else { Issue.record("no undrain sent"); return }
        _ = DashboardUpdate.update(&state, .actionCompleted(await DrainSender.send(undo, sites: operateSites, client: client)))
        for second in 13...24 {
            let t = start.addingTimeInterval(Double(second))
            await servers.simulated.fleet.tick(to: t)
            _ = DashboardUpdate.update(&state, .fleet(await poller.pollOnce(force: true)))
        }
        guard case .verified? = state.pending["ams1"]?.phase, state.pending["ams1"]?.kind == .undrain else {
            Issue.record("undrain not verified: \(String(describing: state.pending["ams1"]))"); return
        }
        #expect(state.fleet?.sites.first { $0.config.id == "ams1" }?.condition == .active)

        try await http.shutdown()
        await servers.stop()
    }
}
