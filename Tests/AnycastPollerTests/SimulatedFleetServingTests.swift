import AnycastAgent
import AnycastCore
import AnycastSimulatedFleet
import Foundation
import ServiceLifecycle
import Testing

/// What `anycast-agent simulate` serves beyond the agents' status: `/metrics` as the real
/// agent does, and the fleet config it writes for the dashboard.
@Suite struct SimulatedFleetServingTests {
    @Test func simulatedAgentsHaveTheRealAgentsMetrics() async throws {
        let fleet = SimulatedFleet(siteCount: 2, seed: 3)
        await fleet.start()
        await fleet.tick(to: Date())
        for agent in fleet.agents {
            let text = try #require(agent.metrics?.text(), "without metrics the router has no /metrics")
            #expect(text.contains(#"anycast_service_desired_announce{service="dns"} 1"#), "\(text)")
            #expect(text.contains("anycast_bgp_peer_established{"))
            #expect(text.contains("anycast_traffic_queries_per_second "))
        }
    }

    /// The file holds the operate token: readable by its owner only, also when it replaces a
    /// file others could read.
    @Test func theWrittenFleetConfigIsOwnerOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-out-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/fleet.toml"
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)

        let fleet = SimulatedFleet(siteCount: 2, seed: 3)
        let host = SimulatedFleetHost(fleet: fleet, basePort: nil, tokens: SimulatedFleet.defaultTokens(), logger: TestServers.logger)
        let config = host.fleetConfig(token: "demo-operate", readToken: "demo-read", ports: ["ams1": 9101, "iad1": 9102])
        try FleetConfigFile.write(config, to: path)

        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.contains("demo-operate"))
        #expect(try FleetConfigLoader.load(path: path).sites.count == 2, "the dashboard reads it back")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["fleet.toml"], "no temporary file left")
    }

    /// The demo and `simulate` hand out their sites only once every agent has read its
    /// routes: a site shown at once is never UNKNOWN for having been asked too early.
    @Test func sitesAreHandedOutOnlyOnceTheirAgentsKnowTheirRoutes() async throws {
        let fleet = SimulatedFleet(siteCount: 12, seed: 9)
        let host = SimulatedFleetHost(fleet: fleet, basePort: nil, tokens: SimulatedFleet.defaultTokens(), logger: TestServers.logger)
        let group = ServiceGroup(services: host.services, logger: TestServers.logger)
        let task = Task { try await group.run() }
        _ = await host.ports()
        for agent in fleet.agents {
            let observed = await agent.status().services.map(\.observed)
            #expect(!observed.contains(.unknown), "\(agent.identity.id): \(observed)")
        }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
