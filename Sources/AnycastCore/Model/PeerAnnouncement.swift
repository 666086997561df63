/// Whether one service's prefixes are exported to one BGP peer.
public struct PeerAnnouncement: Codable, Sendable, Hashable {
    /// The peer's name (matches `PeerStatus.name`).
    public var peer: String
    /// What that peer is sent of the service's prefixes.
    public var observed: ObservedState

    public init(peer: String, observed: ObservedState) {
        self.peer = peer
        self.observed = observed
    }
}
