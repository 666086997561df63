import Foundation

/// What a route controller read from the routing daemon.
public struct RouteObservation: Sendable, Hashable {
    public var peers: [PeerStatus]
    /// Observed state per service name.
    public var services: [String: ServiceObservation]
    /// What the daemon is configured to do per service right now (BIRD: whether the origin
    /// protocols are enabled); `nil` for a service in a mixed or unknown state. The agent
    /// compares it with the desired state and re-applies on drift.
    public var origins: [String: DesiredState?]

    public init(peers: [PeerStatus], services: [String: ServiceObservation], origins: [String: DesiredState?] = [:]) {
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
