import Foundation

/// What a route controller read from the routing daemon.
public struct RouteObservation: Sendable, Hashable {
    public var peers: [PeerStatus]
    /// Observed state per service name.
    public var services: [String: ServiceObservation]
    /// What the daemon is configured to do per service right now (BIRD: which origin protocols
    /// are enabled); `nil` for a service in a mixed or unknown state. The agent compares it
    /// with the step the desired state asks for and re-applies on drift.
    public var origins: [String: RouteStep?]

    public init(peers: [PeerStatus], services: [String: ServiceObservation], origins: [String: RouteStep?] = [:]) {
        self.peers = peers
        self.services = services
        self.origins = origins
    }
}

/// One service's announcement state, overall and per peer.
public struct ServiceObservation: Sendable, Hashable {
    public var observed: ObservedState
    public var peers: [PeerAnnouncement]

    public init(observed: ObservedState, peers: [PeerAnnouncement]) {
        self.observed = observed
        self.peers = peers
    }

    /// Whether every peer sent a route of the service gets it with the de-prefer attributes;
    /// nil when no peer says (no de-prefer step, or nothing sent).
    public var depreferred: Bool? {
        let said = peers.compactMap(\.depreferred)
        return said.isEmpty ? nil : said.allSatisfy { $0 }
    }

    /// The overall state from per-peer states, by the rule of the API: `announced` when every
    /// Established peer is sent every prefix, `withdrawn` when none is sent any, else `partial`.
    public static func combine(_ peers: [PeerAnnouncement]) -> ObservedState {
        guard !peers.isEmpty else { return .unknown }
        if peers.allSatisfy({ $0.observed == .announced }) { return .announced }
        if peers.allSatisfy({ $0.observed == .withdrawn }) { return .withdrawn }
        if peers.contains(where: { $0.observed == .unknown }) && !peers.contains(where: { $0.observed == .partial || $0.observed == .announced }) { return .unknown }
        return .partial
    }
}
