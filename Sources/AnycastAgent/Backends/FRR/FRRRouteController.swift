import AnycastCore
import Foundation

/// The route controller for FRR's bgpd, through vtysh. A service is announced by a network
/// statement per prefix and withdrawn by removing it; its de-prefer step is a route-map of the
/// service's own (`ANYCAST-DEPREF-<service>`: prepends, MED, 65535:0) on those statements, so
/// only its prefixes carry it. Changing a network statement's route-map replaces the route at
/// the peers without a withdrawal (make before break). These are running-config changes:
/// bgpd forgets them when it restarts, and the agent's reconcile writes them again.
public struct FRRRouteController: RouteController {
    public let vtysh: VtyshClient
    let clock: @Sendable () -> Date

    public init(vtysh: VtyshClient, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.vtysh = vtysh
        self.clock = clock
    }

    /// The route-map that carries a service's de-prefer attributes.
    static func routeMapName(_ service: ServiceDefinition) -> String { "ANYCAST-DEPREF-\(service.name)" }

    /// Sessions from both families' summaries and the running config (the step the network
    /// statements make) in one vtysh run; then, in a second, what each Established peer is
    /// sent (advertised-routes) and the communities of the site's own routes.
    public func observe(services: [ServiceDefinition]) async throws -> RouteObservation {
        let now = clock()
        let first = try FRRAnswerSplitter.split(
            try await vtysh.show(IPFamily.allCases.map { "show bgp \($0.word) unicast summary json" } + ["show running-config bgpd"]),
            count: IPFamily.allCases.count)
        var peers: [String: FRRPeer] = [:]
        for (family, answer) in zip(IPFamily.allCases, first.objects) {
            for p in try FRRSummaryParser.peers(from: answer, now: now) {
                peers[p.address, default: FRRPeer(status: p)].families.insert(family)
                if peers[p.address]!.families.count > 1 { peers[p.address]!.status.exported += p.exported }
            }
        }
        let config = FRRRunningConfig.parse(first.rest)
        let asked = peers.filter { $0.value.status.state == .established }.sorted { $0.key < $1.key }
            .flatMap { address, peer in IPFamily.allCases.filter(peer.families.contains).map { (address, $0) } }
        let marked = services.filter { $0.deprefer?.gracefulShutdown == true }.flatMap(\.prefixes)
        var commands = asked.map { "show bgp \($0.1.word) unicast neighbors \($0.0) advertised-routes json" }
        commands += marked.map { "show bgp \(IPFamily($0).word) unicast \($0) json" }
        var communities: [String: [String]] = [:]
        if !commands.isEmpty {
            let second = try FRRAnswerSplitter.split(try await vtysh.show(commands), count: commands.count)
            for ((address, _), answer) in zip(asked, second.objects) {
                for route in try FRRAdvertisedParser.routes(from: answer) { peers[address]!.sent[Self.canonical(route.prefix)] = route }
            }
            for (prefix, answer) in zip(marked, second.objects.dropFirst(asked.count)) {
                if let c = try FRRRouteDetailParser.localCommunities(from: answer) { communities[Self.canonical(prefix)] = c }
            }
        }
        let established = peers.values.filter { $0.status.state == .established }.sorted { $0.status.address < $1.status.address }
        var result: [String: ServiceObservation] = [:]
        var origins: [String: RouteStep?] = [:]
        for service in services {
            let perPeer = established.compactMap { peer in
                SessionExport.announcement(of: service, to: peer.status.name, families: peer.families, sent: peer.sent) { step, route in
                    Self.carries(step, route, communities: communities[Self.canonical(route.prefix)] ?? [])
                }
            }
            result[service.name] = SessionExport.observation(perPeer)
            origins[service.name] = .some(Self.originStep(service, config: config))
        }
        return RouteObservation(peers: peers.values.map(\.status).sorted { $0.address < $1.address }, services: result, origins: origins)
    }

    /// Whether a route as sent carries the step's attributes: at least `prepend` AS numbers put
    /// in its path, the MED, and 65535:0 on the site's route, as configured.
    static func carries(_ step: DepreferStep, _ route: FRRAdvertisedParser.Sent, communities: [String]) -> Bool {
        if route.prepended.count < step.prepend { return false }
        if let med = step.med, route.med != Int(med) { return false }
        if step.gracefulShutdown && !communities.contains(where: { $0 == "graceful-shutdown" || $0 == "65535:0" }) { return false }
        return true
    }

    /// The step the running config makes for the service: every prefix's network statement
    /// without a route-map → announce; each with the service's route-map, which sets what the
    /// step says → deprefer; none → withdraw; anything else is no step (drift).
    static func originStep(_ service: ServiceDefinition, config: FRRRunningConfig) -> RouteStep? {
        let statements = service.prefixes.map { config.networks[canonical($0)] }
        if statements.allSatisfy({ $0 == nil }) { return .withdraw }
        guard statements.allSatisfy({ $0 != nil }) else { return nil }
        let maps = Set(statements.map { $0! })
        if maps == [nil] { return .announce }
        let name = routeMapName(service)
        guard maps == [name], let step = service.deprefer, let asn = config.localAS,
              Set(config.routeMaps[name] ?? []) == Set(setClauses(step, localAS: asn)) else { return nil }
        return .deprefer
    }

    /// The route-map's set clauses for the step, as FRR writes them back in its running config.
    static func setClauses(_ step: DepreferStep, localAS: UInt32) -> [String] {
        var clauses: [String] = []
        if step.prepend > 0 { clauses.append("set as-path prepend " + Array(repeating: String(localAS), count: step.prepend).joined(separator: " ")) }
        if step.gracefulShutdown { clauses.append("set community graceful-shutdown additive") }
        if let med = step.med { clauses.append("set metric \(med)") }
        return clauses
    }

    /// Writes the network statements for the step in one vtysh run. For the de-prefer step the
    /// route-map is written first (clauses it should no longer have removed), so the statements
    /// never point at a half-written map. What is already as wanted is left alone, so the call
    /// is idempotent.
    public func apply(_ step: RouteStep, to service: ServiceDefinition, record: DrainRecord?) async throws {
        let config = FRRRunningConfig.parse(try await vtysh.show("show running-config bgpd"))
        let lines = try Self.configLines(step, service: service, config: config)
        guard !lines.isEmpty else { return }
        try await vtysh.configure(lines)
    }

    /// The configuration lines that take `config` to the step for the service (none when it is
    /// there already).
    static func configLines(_ step: RouteStep, service: ServiceDefinition, config: FRRRunningConfig) throws(FRRReplyError) -> [String] {
        guard let asn = config.localAS else {
            throw .rejected("bgpd's running config has no 'router bgp' (default instance) to announce \(service.name) from")
        }
        let name = routeMapName(service)
        var lines: [String] = []
        if step == .deprefer {
            guard let deprefer = service.deprefer else { throw .rejected("service \(service.name) has no de-prefer step ([service.deprefer])") }
            let wanted = setClauses(deprefer, localAS: asn)
            let present = config.routeMaps[name]
            if present.map(Set.init) != Set(wanted) {
                lines.append("route-map \(name) permit 10")
                for old in present ?? [] where !wanted.contains(old) { lines.append("no " + old) }
                lines += wanted
                lines.append("exit")
            }
        }
        var bgp: [String] = []
        for family in IPFamily.allCases {
            var statements: [String] = []
            for prefix in service.prefixes where IPFamily(prefix) == family {
                let now = config.networks[canonical(prefix)]
                switch step {
                case .announce where now != .some(nil): statements.append("network \(prefix)")
                case .deprefer where now != .some(.some(name)): statements.append("network \(prefix) route-map \(name)")
                case .withdraw where now != nil: statements.append("no network \(prefix)")
                default: break
                }
            }
            if !statements.isEmpty { bgp += ["address-family \(family.word) unicast"] + statements + ["exit-address-family"] }
        }
        if !bgp.isEmpty { lines += ["router bgp \(asn)"] + bgp + ["exit"] }
        return lines
    }

    static func canonical(_ prefix: String) -> String { SessionExport.canonical(prefix) }
}

/// One neighbor across both families' summaries.
private struct FRRPeer {
    var status: PeerStatus
    var families: Set<IPFamily> = []
    /// What it is sent, by canonical prefix.
    var sent: [String: FRRAdvertisedParser.Sent] = [:]
}
