import AnycastCore
import Foundation

/// The fleet model shared by every simulated agent of a process.
public actor FleetSimulation {
    private var model: FleetModel
    /// The simulated sites.
    public nonisolated let profiles: [SimulatedSiteProfile]

    public init(model: FleetModel) {
        self.model = model
        self.profiles = model.profiles
    }

    /// A fleet of `siteCount` catalogue sites from `seed`, warmed up to `start`.
    public init(siteCount: Int, seed: UInt64, start: Date) {
        self.init(model: FleetModel(siteCount: siteCount, seed: seed, start: start))
    }

    /// The model's clock.
    public var now: Date { model.now }

    public func advance(to time: Date) { model.advance(to: time) }
    public func setDesired(site id: String, _ desired: RouteStep) throws { try model.setDesired(site: id, desired) }
    public func observation(site id: String, services: [ServiceDefinition]) throws -> RouteObservation {
        try model.observation(site: id, services: services)
    }
    public func counters(site id: String) throws -> TrafficSample { try model.counters(site: id) }
    public func latency(site id: String) throws -> LatencyStatus { try model.latency(site: id) }
    public func history(site id: String) throws -> [RatePoint] { try model.history(site: id) }
    public func currentQPS(site id: String) throws -> Double { try model.currentQPS(site: id) }
    public func isAnnounced(site id: String) throws -> Bool { try model.isAnnounced(site: id) }
}
