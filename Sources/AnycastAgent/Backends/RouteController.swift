import AnycastCore

/// Reads and changes what a site's routing daemon announces. BIRD, FRR, GoBGP, ExaBGP and the simulator implement it.
public protocol RouteController: Sendable {
    /// Reads the BGP peers and, for each service, whether its prefixes are exported to them.
    func observe(services: [ServiceDefinition]) async throws -> RouteObservation

    /// Makes the daemon announce the service's prefixes, announce them de-preferred (the
    /// service's `DepreferStep`), or withdraw them. Moving between the two announced steps
    /// never leaves a moment with neither (make before break). `record` carries who and why,
    /// for daemons that can keep a message.
    func apply(_ step: RouteStep, to service: ServiceDefinition, record: DrainRecord?) async throws
}
