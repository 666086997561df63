import AnycastAgent
import AnycastCore
import AnycastPoller
import Foundation
import Testing

/// The acceptance path over real HTTP against simulated agents: tokens, scopes, a drain that
/// moves traffic to the region, and drain idempotency.
@Suite(.serialized) struct SimulatedDrainTests {
    @Test func drainThroughTheAPIMovesTrafficToTheRegion() async throws {
        let servers = try await TestServers.start(simulatedSites: 12, seed: 11)
        let http = AgentClient.makeHTTPClient()
        let client = AgentClient(http: http)
        let sites = Dictionary(uniqueKeysWithValues: servers.simulatedSites(token: nil).map { ($0.id, $0) })
        var ams = try #require(sites["ams1"])

        // No token: 401.
        await #expect(throws: AgentClientError.http(status: 401, code: "unauthorized", message: "missing Authorization: Bearer token")) {
            try await client.status(of: ams, timeout: .seconds(2))
        }
        // Read token: status yes, drain no.
        ams.token = "demo-read"
        let before = try await client.status(of: ams, timeout: .seconds(2))
        #expect(before.traffic.qps ?? 0 > 0)
        let request = DrainRequest(service: nil, reason: "CHG-42 line card swap", operator: "alice", stage: .withdraw)
        do {
            _ = try await client.drain(ams, request, timeout: .seconds(2))
            Issue.record("a read token must not drain")
        } catch {
            guard case .http(403, "forbidden", _) = error else { Issue.record("expected 403, got \(error)"); return }
        }

        // Operate token: drain; the rest of the region takes the traffic.
        let poller = FleetPoller(config: FleetConfig(name: "t", regions: [], sites: Array(sites.values).map {
            var s = $0; s.token = "demo-read"; return s
        }), client: client)
        let start = await poller.pollOnce()
        func qps(_ snap: FleetSnapshot, _ id: String) -> Double { snap.sites.first { $0.config.id == id }?.qps ?? -1 }
        let amsBefore = qps(start, "ams1")
        #expect(amsBefore > 0)

        ams.token = "demo-operate"
        let drained = try await client.drain(ams, request, timeout: .seconds(2))
        let record = try #require(drained.services.first?.drain)
        #expect(drained.services.allSatisfy { $0.desired == .drain })
        #expect(record.operator == "alice" && record.reason == "CHG-42 line card swap" && record.mode == .operator)

        // Ten simulated seconds later (the test drives the simulation's clock).
        let now = Date()
        for second in 1...10 { await servers.simulated.fleet.tick(to: now.addingTimeInterval(Double(second))) }
        let after = await poller.pollOnce()
        #expect(qps(after, "ams1") < 0.05 * amsBefore, "drained site under 5% of before: \(qps(after, "ams1")) vs \(amsBefore)")
        for id in ["fra1", "lhr1"] {
            #expect(qps(after, id) > qps(start, id), "\(id) carries more")
        }
        let amsSnap = try #require(after.sites.first { $0.config.id == "ams1" })
        #expect(amsSnap.condition == .drained)
        #expect(amsSnap.status?.services.first?.observed == .withdrawn)

        // A second identical drain: 200 and the same record.
        let again = try await client.drain(ams, request, timeout: .seconds(2))
        #expect(again.services.first?.drain == record)

        let undrained = try await client.undrain(ams, UndrainRequest(operator: "alice"), timeout: .seconds(2))
        #expect(undrained.services.allSatisfy { $0.desired == .announce && $0.drain == nil })
        let events = try await client.events(of: ams, since: 0, timeout: .seconds(2))
        let operatorKinds: [EventKind] = events.events.map(\.kind).filter { $0 == .drain || $0 == .undrain }
        #expect(operatorKinds == [.drain, .undrain])

        try await http.shutdown()
        await servers.stop()
    }
}
