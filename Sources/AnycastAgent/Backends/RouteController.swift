import AnycastCore

/// Reads and changes what a site's routing daemon announces. BIRD and the simulator implement it.
public protocol RouteController: Sendable {
    /// Reads the BGP peers and, for each service, whether its prefixes are exported to them.
    func observe(services: [ServiceDefinition]) async throws -> RouteObservation

    /// Makes the daemon announce (`.announce`) or withdraw (`.drain`) the service's prefixes.
    /// `record` carries who and why, for daemons that can keep a message.
    func apply(_ desired: DesiredState, to service: ServiceDefinition, record: DrainRecord?) async throws
}
