import AnycastCore
import Foundation

/// The route controller for ExaBGP, through its control pipes. A service is announced by
/// `announce route P next-hop self` (kept for every neighbor of the prefix's family) and
/// withdrawn by `withdraw route P`; its de-prefer step announces the route again with the
/// attributes, which replaces it at the peers without a withdrawal (make before break).
/// ExaBGP sends a given AS path as it is, so the step's path is the site's AS once more than
/// `prepend`. Routes sent through the pipes live in ExaBGP's memory: a restarted ExaBGP has
/// none, and the agent's reconcile announces them again.
public struct ExaBGPRouteController: RouteController {
    public let client: ExaBGPPipeClient
    let clock: @Sendable () -> Date

    public init(client: ExaBGPPipeClient, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.clock = clock
    }

    /// Sessions from `show neighbor extensive`; what is kept for each neighbor, with its
    /// attributes, from `show adj-rib out extensive`: sent to the Established ones, and the step
    /// the routes make (the same for every neighbor, or drift).
    public func observe(services: [ServiceDefinition]) async throws -> RouteObservation {
        let sessions = ExaBGPNeighborParser.sessions(from: try await client.command("show neighbor extensive"), now: clock())
        guard !sessions.isEmpty else { throw ExaBGPError.malformed("show neighbor extensive named no neighbor") }
        let routes = ExaBGPRibParser.routes(from: try await client.command("show adj-rib out extensive"))
        var kept: [String: [String: ExaBGPRibParser.Route]] = [:]
        for r in routes { kept[r.neighbor, default: [:]][Self.canonical(r.prefix)] = r }
        let localAS = sessions.compactMap(\.localAS).first
        var peers: [PeerStatus] = []
        for s in sessions {
            var status = s.status
            status.exported = status.state == .established ? (kept[status.address]?.count ?? 0) : 0
            peers.append(status)
        }
        var result: [String: ServiceObservation] = [:]
        var origins: [String: RouteStep?] = [:]
        for service in services {
            let perPeer = sessions.filter { $0.status.state == .established }.compactMap { session in
                SessionExport.announcement(of: service, to: session.status.name, families: session.families,
                                           sent: kept[session.status.address] ?? [:], carries: Self.carries)
            }
            result[service.name] = SessionExport.observation(perPeer)
            origins[service.name] = .some(Self.originStep(service, sessions: sessions, kept: kept, localAS: localAS))
        }
        return RouteObservation(peers: peers, services: result, origins: origins)
    }

    /// Whether a route as kept carries the step's attributes: at least `prepend` AS numbers
    /// before the site's own, the MED, and 65535:0, as configured.
    static func carries(_ step: DepreferStep, _ route: ExaBGPRibParser.Route) -> Bool {
        if step.prepend > 0 && route.asPath.count - 1 < step.prepend { return false }
        if let med = step.med, route.med != Int64(med) { return false }
        if step.gracefulShutdown && !route.communities.contains("65535:0") { return false }
        return true
    }

    /// The step the kept routes make, over every neighbor of each prefix's family: none kept →
    /// withdraw; all without attributes → announce; all with exactly the step's → deprefer;
    /// anything else is drift.
    static func originStep(
        _ service: ServiceDefinition, sessions: [ExaBGPNeighborParser.Session],
        kept: [String: [String: ExaBGPRibParser.Route]], localAS: UInt32?
    ) -> RouteStep? {
        var routes: [ExaBGPRibParser.Route?] = []
        for prefix in service.prefixes {
            for s in sessions where s.families.contains(IPFamily(prefix)) { routes.append(kept[s.status.address]?[canonical(prefix)]) }
        }
        if routes.allSatisfy({ $0 == nil }) { return .withdraw }
        guard routes.allSatisfy({ $0 != nil }) else { return nil }
        let present = routes.map { $0! }
        if present.allSatisfy({ $0.asPath.isEmpty && $0.med == nil && $0.communities.isEmpty }) { return .announce }
        guard let step = service.deprefer, let localAS else { return nil }
        let path = step.prepend > 0 ? Array(repeating: localAS, count: step.prepend + 1) : []
        let communities = step.gracefulShutdown ? ["65535:0"] : []
        return present.allSatisfy { $0.asPath == path && $0.med == step.med.map(Int64.init) && $0.communities == communities } ? .deprefer : nil
    }

    /// The command that takes a prefix to the step. Announcing a route that is there replaces
    /// it, and withdrawing one that is not succeeds, so each is idempotent.
    static func command(_ step: RouteStep, prefix: String, deprefer: DepreferStep?, localAS: UInt32?) throws(ExaBGPError) -> String {
        switch step {
        case .announce:
            return "announce route \(prefix) next-hop self"
        case .withdraw:
            return "withdraw route \(prefix) next-hop self"
        case .deprefer:
            guard let deprefer else { throw .refused("the service has no de-prefer step ([service.deprefer])") }
            var command = "announce route \(prefix) next-hop self"
            if deprefer.prepend > 0 {
                guard let localAS else { throw .malformed("ExaBGP did not say its AS (show neighbor extensive), so the path cannot be prepended") }
                command += " as-path [ " + Array(repeating: String(localAS), count: deprefer.prepend + 1).joined(separator: " ") + " ]"
            }
            if let med = deprefer.med { command += " med \(med)" }
            if deprefer.gracefulShutdown { command += " community [ 65535:0 ]" }
            return command
        }
    }

    public func apply(_ step: RouteStep, to service: ServiceDefinition, record: DrainRecord?) async throws {
        var localAS: UInt32?
        if step == .deprefer, service.deprefer?.prepend ?? 0 > 0 {
            localAS = ExaBGPNeighborParser.sessions(from: try await client.command("show neighbor extensive"), now: clock()).compactMap(\.localAS).first
        }
        for prefix in service.prefixes {
            _ = try await client.command(try Self.command(step, prefix: prefix, deprefer: service.deprefer, localAS: localAS))
        }
    }

    static func canonical(_ prefix: String) -> String { SessionExport.canonical(prefix) }
}
