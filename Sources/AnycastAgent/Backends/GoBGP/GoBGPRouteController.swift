import AnycastCore
import Foundation

/// The route controller for GoBGP, through the gobgp CLI. A service is announced by adding its
/// prefixes to gobgpd's global RIB and withdrawn by deleting them; its de-prefer step adds them
/// again with the attributes (AS path of prepends, MED, 65535:0), which replaces the path at
/// the peers without a withdrawal (make before break). The global RIB lives in gobgpd's memory:
/// gobgpd forgets it when it restarts, and the agent's reconcile adds it again.
public struct GoBGPRouteController: RouteController {
    public let client: GoBGPClient

    public init(client: GoBGPClient) {
        self.client = client
    }

    /// Sessions from `gobgp neighbor`; what each Established peer is sent, from its adj-out in
    /// each family it carries; the step the local paths make, from the global RIB.
    public func observe(services: [ServiceDefinition]) async throws -> RouteObservation {
        let sessions = try GoBGPNeighborParser.sessions(from: try await client.run(["neighbor"]))
        var sent: [String: [String: GoBGPRibParser.Route]] = [:]
        var peers: [PeerStatus] = []
        for session in sessions {
            var status = session.status
            if status.state == .established {
                var routes: [String: GoBGPRibParser.Route] = [:]
                for family in IPFamily.allCases where session.families.contains(family) {
                    for r in try GoBGPRibParser.routes(from: try await client.run(["neighbor", status.address, "adj-out", "-a", family.word])) {
                        routes[Self.canonical(r.prefix)] = r
                    }
                }
                sent[status.address] = routes
                status.exported = routes.count
            }
            peers.append(status)
        }
        let families = IPFamily.allCases.filter { f in services.contains { $0.prefixes.contains { IPFamily($0) == f } } }
        var local: [String: GoBGPRibParser.Route] = [:]
        for family in families {
            for r in try GoBGPRibParser.routes(from: try await client.run(["global", "rib", "-a", family.word])) where r.local {
                local[Self.canonical(r.prefix)] = r
            }
        }
        let localAS = sessions.compactMap(\.localAS).first
        var result: [String: ServiceObservation] = [:]
        var origins: [String: RouteStep?] = [:]
        for service in services {
            let perPeer = sessions.filter { $0.status.state == .established }.compactMap { session in
                SessionExport.announcement(of: service, to: session.status.name, families: session.families,
                                           sent: sent[session.status.address] ?? [:], carries: Self.carries)
            }
            result[service.name] = SessionExport.observation(perPeer)
            origins[service.name] = .some(Self.originStep(service, local: local, localAS: localAS))
        }
        return RouteObservation(peers: peers, services: result, origins: origins)
    }

    /// Whether a path as sent carries the step's attributes: at least `prepend` AS numbers
    /// before the one gobgpd adds on the wire, the MED, and 65535:0, as configured.
    static func carries(_ step: DepreferStep, _ route: GoBGPRibParser.Route) -> Bool {
        if route.asPath.count - 1 < step.prepend { return false }
        if let med = step.med, route.med != Int64(med) { return false }
        if step.gracefulShutdown && !route.communities.contains(GoBGPRibParser.gracefulShutdown) { return false }
        return true
    }

    /// The step the local paths make: every prefix without attributes → announce; every one
    /// with exactly the step's → deprefer; none → withdraw; anything else is drift.
    static func originStep(_ service: ServiceDefinition, local: [String: GoBGPRibParser.Route], localAS: UInt32?) -> RouteStep? {
        let paths = service.prefixes.map { local[canonical($0)] }
        if paths.allSatisfy({ $0 == nil }) { return .withdraw }
        guard paths.allSatisfy({ $0 != nil }) else { return nil }
        if paths.allSatisfy({ $0!.asPath.isEmpty && $0!.med == nil && $0!.communities.isEmpty }) { return .announce }
        guard let step = service.deprefer, let localAS else { return nil }
        let wanted = GoBGPRibParser.Route(prefix: "", local: true, asPath: Array(repeating: localAS, count: step.prepend),
                                          med: step.med.map(Int64.init), communities: step.gracefulShutdown ? [GoBGPRibParser.gracefulShutdown] : [])
        return paths.allSatisfy { $0!.asPath == wanted.asPath && $0!.med == wanted.med && $0!.communities == wanted.communities } ? .deprefer : nil
    }

    /// The gobgp arguments that take a prefix to the step. Adding a path that is there replaces
    /// it, and deleting one that is not succeeds, so each is idempotent.
    static func arguments(_ step: RouteStep, prefix: String, deprefer: DepreferStep?, localAS: UInt32?) throws(GoBGPError) -> [String] {
        let family = IPFamily(prefix).word
        switch step {
        case .announce:
            // Origin IGP, as BIRD's and FRR's own routes (gobgp's default is incomplete).
            return ["global", "rib", "add", "-a", family, prefix, "origin", "igp"]
        case .withdraw:
            return ["global", "rib", "del", "-a", family, prefix]
        case .deprefer:
            guard let deprefer else { throw .refused("the service has no de-prefer step ([service.deprefer])") }
            var args = ["global", "rib", "add", "-a", family, prefix, "origin", "igp"]
            if deprefer.prepend > 0 {
                guard let localAS else { throw .refused("gobgpd did not say its AS (gobgp global), so the path cannot be prepended") }
                args += ["aspath", Array(repeating: String(localAS), count: deprefer.prepend).joined(separator: ",")]
            }
            if let med = deprefer.med { args += ["med", String(med)] }
            if deprefer.gracefulShutdown { args += ["community", "65535:0"] }
            return args
        }
    }

    public func apply(_ step: RouteStep, to service: ServiceDefinition, record: DrainRecord?) async throws {
        var localAS: UInt32?
        if step == .deprefer, service.deprefer?.prepend ?? 0 > 0 {
            localAS = try GoBGPReply.decode(Global.self, from: try await client.run(["global"])).asn
        }
        for prefix in service.prefixes {
            _ = try await client.run(try Self.arguments(step, prefix: prefix, deprefer: service.deprefer, localAS: localAS))
        }
    }

    struct Global: Decodable { var asn: UInt32? }

    static func canonical(_ prefix: String) -> String { SessionExport.canonical(prefix) }
}
