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

    /// `show protocols all`, then `show route export PEER` for every Established BGP peer: a
    /// prefix counts as announced to a peer only when BIRD really exports it to that peer.
    public func observe(services: [ServiceDefinition]) async throws -> RouteObservation {
        let now = clock()
        let protocols = try BirdProtocolParser.parse(try await client.command("show protocols all"), now: now)
        var peers: [PeerStatus] = []
        var exported: [(peer: String, prefixes: Set<String>)] = []
        for p in protocols where p.isBGP {
            peers.append(PeerStatus(
                name: p.name, address: p.neighborAddress ?? "", asn: p.neighborAS ?? 0,
                state: BGPSessionState(birdState: p.bgpState ?? p.info), since: p.since,
                exported: p.channels.compactMap(\.exported).reduce(0, +), lastError: p.lastError))
            if p.isEstablished {
                let routes = try BirdRouteParser.parse(try await client.command("show route export \(p.name)"), now: now)
                exported.append((p.name, Set(routes.map { Self.canonical($0.prefix) })))
            }
        }
        let byName = Dictionary(protocols.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [String: ServiceObservation] = [:]
        var origins: [String: DesiredState?] = [:]
        for service in services {
            let wanted = Set(service.prefixes.map(Self.canonical))
            let perPeer = exported.map { peer -> PeerAnnouncement in
                let sent = wanted.intersection(peer.prefixes).count
                let state: ObservedState = sent == wanted.count ? .announced : sent == 0 ? .withdrawn : .partial
                return PeerAnnouncement(peer: peer.peer, observed: state)
            }
            // No Established peer: nothing of this site reaches anyone.
            let observed: ObservedState = perPeer.isEmpty ? .withdrawn : ServiceObservation.combine(perPeer)
            result[service.name] = ServiceObservation(observed: observed, peers: perPeer)
            origins[service.name] = .some(Self.originState(service.originProtocols.map { byName[$0] }))
        }
        return RouteObservation(peers: peers, services: result, origins: origins)
    }

    /// `disable PROTO "drained by OPERATOR: REASON"` (or `enable PROTO`) for each protocol that
    /// originates the service. "Already disabled/enabled" is success: the call is idempotent.
    public func apply(_ desired: DesiredState, to service: ServiceDefinition, record: DrainRecord?) async throws {
        guard !service.originProtocols.isEmpty else {
            throw BirdControlError.invalidCommand("service \(service.name) names no BIRD protocols (bird_protocols)")
        }
        for name in service.originProtocols {
            switch desired {
            case .drain:
                let why = record.map { "drained by \($0.operator): \($0.reason)" } ?? "drained by anycast-agent"
                _ = try await client.command("disable \(name) \"\(Self.quoted(why))\"")
            case .announce:
                _ = try await client.command("enable \(name)")
            }
        }
    }

    /// Whether BIRD currently runs the origin protocols: all up → announce, all down → drain,
    /// anything else (mixed, missing) → nil, which reconciliation treats as drift.
    static func originState(_ protocols: [BirdProtocolInfo?]) -> DesiredState? {
        guard !protocols.isEmpty, protocols.allSatisfy({ $0 != nil }) else { return nil }
        let up = protocols.filter { $0!.state.lowercased() == "up" }.count
        if up == protocols.count { return .announce }
        if up == 0 { return .drain }
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

    static func canonical(_ prefix: String) -> String { prefix.lowercased() }
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
