import AnycastCore
import Foundation

/// The route controller for BIRD 2: reads sessions and export tables over the control socket
/// and drains a service by disabling the static (or other) protocols that originate its
/// prefixes, which withdraws them from every peer while the BGP sessions stay up.
public struct BirdRouteController: RouteController {
    public let client: BirdControlClient
    let clock: @Sendable () -> Date

    public init(client: BirdControlClient, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.clock = clock
    }

    /// `show protocols all`, then `show route export PEER all` for every Established BGP peer:
    /// a prefix counts as announced to a peer only when BIRD really exports it to that peer,
    /// and as de-preferred only when what is exported carries the de-prefer attributes.
    public func observe(services: [ServiceDefinition]) async throws -> RouteObservation {
        let now = clock()
        let protocols = try BirdProtocolParser.parse(try await client.command("show protocols all"), now: now)
        var peers: [PeerStatus] = []
        var exported: [(peer: String, families: Set<IPFamily>?, routes: [String: BirdRoute])] = []
        for p in protocols where p.isBGP {
            peers.append(PeerStatus(
                name: p.name, address: p.neighborAddress ?? "", asn: p.neighborAS ?? 0,
                state: BGPSessionState(birdState: p.bgpState ?? p.info), since: p.since,
                exported: p.channels.compactMap(\.exported).reduce(0, +), lastError: p.lastError))
            if p.isEstablished {
                let routes = try BirdRouteParser.parse(try await client.command("show route export \(p.name) all"), now: now)
                exported.append((p.name, Self.families(p.channels), Dictionary(routes.map { (Self.canonical($0.prefix), $0) }, uniquingKeysWith: { a, _ in a })))
            }
        }
        let byName = Dictionary(protocols.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [String: ServiceObservation] = [:]
        var origins: [String: RouteStep?] = [:]
        for service in services {
            let perPeer = exported.compactMap { peer in
                SessionExport.announcement(of: service, to: peer.peer, families: peer.families, sent: peer.routes, carries: Self.carries)
            }
            result[service.name] = SessionExport.observation(perPeer)
            origins[service.name] = .some(Self.originStep(
                normal: service.originProtocols.map { byName[$0] },
                deprefer: service.deprefer.map { $0.originProtocols.map { byName[$0] } }))
        }
        return RouteObservation(peers: peers, services: result, origins: origins)
    }

    /// The families a BGP protocol's channels carry (`ipv4`, `ipv6`); nil when it names none
    /// (then every prefix is wanted of it).
    static func families(_ channels: [BirdProtocolInfo.Channel]) -> Set<IPFamily>? {
        let families = Set(channels.compactMap { c -> IPFamily? in
            switch c.name.lowercased() {
            case "ipv4": .ipv4
            case "ipv6": .ipv6
            default: nil
            }
        })
        return families.isEmpty ? nil : families
    }

    /// Whether an exported route carries the step's attributes: at least `prepend` AS numbers
    /// in its path, the MED, and 65535:0 among its communities, as configured.
    static func carries(_ step: DepreferStep, _ route: BirdRoute) -> Bool {
        if step.prepend > 0 {
            let path = (route.attributes["BGP.as_path"] ?? route.asPath ?? "").split(whereSeparator: { $0 == " " || $0 == "{" || $0 == "}" })
            if path.count < step.prepend { return false }
        }
        if let med = step.med, route.attributes["BGP.med"]?.split(separator: " ").first != Substring(String(med)) { return false }
        if step.gracefulShutdown {
            let communities = route.attributes["BGP.community"] ?? ""
            if !communities.replacingOccurrences(of: " ", with: "").contains("(65535,0)") { return false }
        }
        return true
    }

    /// Enables and disables the service's origin protocols. Between the two announced steps the
    /// protocol that will carry the route is enabled before the other is disabled, so BIRD
    /// replaces the route at its peers instead of withdrawing it (make before break).
    /// "Already disabled/enabled" is success: the call is idempotent.
    public func apply(_ step: RouteStep, to service: ServiceDefinition, record: DrainRecord?) async throws {
        guard !service.originProtocols.isEmpty else {
            throw BirdControlError.invalidCommand("service \(service.name) names no BIRD protocols (bird_protocols)")
        }
        let depreferred = service.deprefer?.originProtocols ?? []
        if step == .deprefer && depreferred.isEmpty {
            throw BirdControlError.invalidCommand("service \(service.name) has no de-prefer protocols ([service.deprefer] bird_protocols)")
        }
        let why = record.map { "drained by \($0.operator): \($0.reason)" } ?? "drained by anycast-agent"
        switch step {
        case .announce:
            try await enable(service.originProtocols)
            try await disable(depreferred, why: "de-prefer origin, off while announced normally")
        case .deprefer:
            try await enable(depreferred)
            try await disable(service.originProtocols, why: why)
        case .withdraw:
            try await disable(service.originProtocols, why: why)
            try await disable(depreferred, why: why)
        }
    }

    private func enable(_ names: [String]) async throws {
        for name in names { _ = try await client.command("enable \(name)") }
    }

    private func disable(_ names: [String], why: String) async throws {
        for name in names { _ = try await client.command("disable \(name) \"\(Self.quoted(why))\"") }
    }

    /// Which step the enabled protocols make: the normal origins up and the de-prefer ones down
    /// → announce; the reverse → deprefer; all down → withdraw; anything else (mixed, missing)
    /// → nil, which reconciliation treats as drift.
    static func originStep(normal: [BirdProtocolInfo?], deprefer: [BirdProtocolInfo?]?) -> RouteStep? {
        guard let normalUp = allUp(normal) else { return nil }
        guard let deprefer else { return normalUp ? .announce : .withdraw }
        guard let depreferUp = allUp(deprefer) else { return nil }
        switch (normalUp, depreferUp) {
        case (true, false): return .announce
        case (false, true): return .deprefer
        case (false, false): return .withdraw
        case (true, true): return nil  // both: the normal route wins, but the state is no step
        }
    }

    /// true when every protocol is up, false when every one is down, nil when mixed or missing.
    private static func allUp(_ protocols: [BirdProtocolInfo?]) -> Bool? {
        guard !protocols.isEmpty, protocols.allSatisfy({ $0 != nil }) else { return nil }
        let up = protocols.filter { $0!.state.lowercased() == "up" }.count
        if up == protocols.count { return true }
        if up == 0 { return false }
        return nil
    }

    /// BIRD's text for a message: no quotes, backslashes or control characters, at most 200.
    static func quoted(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.map { s -> Character in
            if s == "\"" || s == "\\" { return "'" }
            if s.value < 0x20 || s.value == 0x7f { return " " }
            return Character(s)
        })
        return cleaned.count > 200 ? String(cleaned.prefix(200)) : cleaned
    }

    static func canonical(_ prefix: String) -> String { SessionExport.canonical(prefix) }
}

extension BGPSessionState {
    /// From BIRD's `BGP state:` line or Info column ("Established", "Active  Received: ...").
    init(birdState text: String) {
        let word = text.split(separator: " ").first.map { $0.lowercased() } ?? ""
        switch word {
        case "established": self = .established
        case "idle": self = .idle
        case "connect": self = .connect
        case "active": self = .active
        case "opensent": self = .openSent
        case "openconfirm": self = .openConfirm
        default: self = .down
        }
    }
}
