import AnycastAgent
import AnycastCore
import AnycastSimulation

/// The route controller of one simulated site.
public struct SimulatedRouteController: RouteController {
    let simulation: FleetSimulation
    let siteID: String

    public init(simulation: FleetSimulation, siteID: String) {
        self.simulation = simulation
        self.siteID = siteID
    }

    public func observe(services: [ServiceDefinition]) async throws -> RouteObservation {
        try await simulation.observation(site: siteID, services: services)
    }

    public func apply(_ step: RouteStep, to service: ServiceDefinition, record: DrainRecord?) async throws {
        try await simulation.setDesired(site: siteID, step)
    }
}

/// The traffic counters of one simulated site.
public struct SimulatedTrafficSource: TrafficSource {
    let simulation: FleetSimulation
    let siteID: String

    public init(simulation: FleetSimulation, siteID: String) {
        self.simulation = simulation
        self.siteID = siteID
    }

    public func sample() async throws -> TrafficSample { try await simulation.counters(site: siteID) }

    public func backfill() async -> [RatePoint] { (try? await simulation.history(site: siteID)) ?? [] }
}

/// The latency of one simulated site.
public struct SimulatedLatencyProbe: LatencyProbe {
    let simulation: FleetSimulation
    let siteID: String

    public init(simulation: FleetSimulation, siteID: String) {
        self.simulation = simulation
        self.siteID = siteID
    }

    public func measure() async throws -> LatencyStatus { try await simulation.latency(site: siteID) }
}
