/// Whether one service's prefixes are exported to one BGP peer.
public struct PeerAnnouncement: Codable, Sendable, Hashable {
    /// The peer's name (matches `PeerStatus.name`).
    public var peer: String
    /// What that peer is sent of the service's prefixes.
    public var observed: ObservedState
    /// Whether what the peer is sent carries the service's de-prefer attributes (services with
    /// a de-prefer step, while a route is sent; else absent).
    public var depreferred: Bool?

    public init(peer: String, observed: ObservedState, depreferred: Bool? = nil) {
        self.peer = peer
        self.observed = observed
        self.depreferred = depreferred
    }
}
