import Foundation

/// One BGP peer of a site and what the site exports to it.
public struct PeerStatus: Codable, Sendable, Hashable {
    /// The routing daemon's name for the session (e.g. the BIRD protocol name).
    public var name: String
    /// The neighbor's address.
    public var address: String
    /// The neighbor's autonomous system number.
    public var asn: UInt32
    /// Session state.
    public var state: BGPSessionState
    /// When the session entered its current state, if known.
    public var since: Date?
    /// How many routes the site currently exports to the peer.
    public var exported: Int
    /// The last error the daemon reported for the session, if any.
    public var lastError: String?

    enum CodingKeys: String, CodingKey {
        case name, address, asn, state, since, exported
        case lastError = "last_error"
    }

    public init(
        name: String, address: String, asn: UInt32, state: BGPSessionState,
        since: Date? = nil, exported: Int, lastError: String? = nil
    ) {
        self.name = name
        self.address = address
        self.asn = asn
        self.state = state
        self.since = since
        self.exported = exported
        self.lastError = lastError
    }
}
