/// One anycast service at a site: its prefixes, what is wanted and what the routing daemon does.
public struct ServiceStatus: Codable, Sendable, Hashable {
    /// Service name, unique within the site (e.g. `dns`).
    public var name: String
    /// The IPv4 and IPv6 prefixes the service announces, in CIDR notation.
    public var prefixes: [String]
    /// The persisted desired state.
    public var desired: DesiredState
    /// The state read back from the routing daemon.
    public var observed: ObservedState
    /// The drain record while the service is drained (by an operator or automatically).
    public var drain: DrainRecord?
    /// Observed state per BGP peer.
    public var peers: [PeerAnnouncement]
    /// Health of the service, when the agent runs checks for it.
    public var health: HealthState?
    /// The service's de-prefer step, when its drains are staged.
    public var deprefer: DepreferSummary?
    /// Whether every Established peer is sent the route with the de-prefer attributes (with a
    /// de-prefer step and a route exported; else absent).
    public var depreferred: Bool?
    /// A withdrawal the fleet's budget holds back: the service stays announced until it allows.
    public var withdrawHeld: HeldWithdrawal?

    public init(
        name: String, prefixes: [String], desired: DesiredState, observed: ObservedState,
        drain: DrainRecord? = nil, peers: [PeerAnnouncement] = [], health: HealthState? = nil,
        deprefer: DepreferSummary? = nil, depreferred: Bool? = nil, withdrawHeld: HeldWithdrawal? = nil
    ) {
        self.withdrawHeld = withdrawHeld
        self.name = name
        self.prefixes = prefixes
        self.desired = desired
        self.observed = observed
        self.drain = drain
        self.peers = peers
        self.health = health
        self.deprefer = deprefer
        self.depreferred = depreferred
    }

    enum CodingKeys: String, CodingKey {
        case name, prefixes, desired, observed, drain, peers, health, deprefer, depreferred
        case withdrawHeld = "withdraw_held"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        prefixes = try c.decode([String].self, forKey: .prefixes)
        desired = try c.decode(DesiredState.self, forKey: .desired)
        observed = try c.decode(ObservedState.self, forKey: .observed)
        drain = try c.decodeIfPresent(DrainRecord.self, forKey: .drain)
        peers = try c.decodeIfPresent([PeerAnnouncement].self, forKey: .peers) ?? []
        health = try c.decodeIfPresent(HealthState.self, forKey: .health)
        deprefer = try c.decodeIfPresent(DepreferSummary.self, forKey: .deprefer)
        depreferred = try c.decodeIfPresent(Bool.self, forKey: .depreferred)
        withdrawHeld = try c.decodeIfPresent(HeldWithdrawal.self, forKey: .withdrawHeld)
    }

    /// The step the routing daemon is asked for.
    public var step: RouteStep { RouteStep(desired: desired, drain: drain) }
}
