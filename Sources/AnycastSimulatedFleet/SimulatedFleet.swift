import AnycastAgent
import AnycastCore
import AnycastSimulation
import Foundation
import Logging

/// A simulated fleet ready to serve: one `FleetSimulation`, and a `SiteAgent` per site with
/// simulated backends and Prometheus metrics, each to be served by its own HTTP server.
public struct SimulatedFleet: Sendable {
    /// The service every simulated site announces.
    public static let service = ServiceDefinition(
        name: "dns", prefixes: ["203.0.113.0/24", "2001:db8:53::/48"], originProtocols: ["anycast4", "anycast6"],
        deprefer: DepreferStep(originProtocols: ["anycast4_depref", "anycast6_depref"], prepend: 3, gracefulShutdown: true,
                               withdrawBelow: 0.1, stageTimeout: .seconds(60)))

    public let simulation: FleetSimulation
    public let agents: [SiteAgent]

    /// Builds `siteCount` sites from `seed`, with their history already filled. `coordination`
    /// gives a site its link to the fleet's coordination store (none by default).
    public init(siteCount: Int, seed: UInt64, start: Date = Date(), logger: Logger = Logger(label: "simulate"),
                coordination: (SiteIdentity) -> CoordinationLink? = { _ in nil }) {
        let simulation = FleetSimulation(siteCount: siteCount, seed: seed, start: start)
        self.simulation = simulation
        self.agents = simulation.profiles.map { profile in
            let id = profile.identity.id
            var configuration = SiteAgentConfiguration(
                identity: profile.identity, services: [Self.service],
                backends: .init(
                    routes: SimulatedRouteController(simulation: simulation, siteID: id),
                    traffic: SimulatedTrafficSource(simulation: simulation, siteID: id),
                    probe: SimulatedLatencyProbe(simulation: simulation, siteID: id),
                    store: InMemoryDesiredStateStore()))
            configuration.logger = logger
            configuration.daemons = ["simulated"]
            configuration.router = "simulated"
            // `/metrics` as the real agent serves it, from the simulated backends.
            configuration.metrics = AgentMetrics(services: [Self.service])
            configuration.coordination = coordination(profile.identity)
            return SiteAgent(configuration)
        }
    }

    /// Starts every agent (loads state, takes the simulated history, reads backends once).
    public func start() async {
        for agent in agents { await agent.start() }
    }

    /// Moves the simulation to `time` and has every agent read its backends.
    public func tick(to time: Date) async {
        await simulation.advance(to: time)
        for agent in agents { await agent.refresh() }
    }

    /// The tokens simulated agents accept unless told otherwise.
    public static func defaultTokens(read: String = "demo-read", operate: String = "demo-operate") -> [AgentToken] {
        [AgentToken(name: "read", scope: .read, value: read), AgentToken(name: "operate", scope: .operate, value: operate)]
    }
}
