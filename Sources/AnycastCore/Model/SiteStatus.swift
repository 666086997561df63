/// Everything an agent knows about its site: the answer of `GET /v1/status`.
///
/// Traffic, latency and the agent's clock change every second; the rest changes with the
/// agent's `revision`, and is held in one shared object (`SharedValue`): a copy of a status
/// is a few references, not one for each string and list in it.
public struct SiteStatus: Codable, Sendable, Hashable {
    /// The part that changes with the revision.
    @usableFromInline struct Slow: Sendable, Hashable {
        @usableFromInline var site: SiteIdentity
        @usableFromInline var services: [ServiceStatus]
        @usableFromInline var peers: [PeerStatus]
        @usableFromInline var health: [HealthCheckStatus]
        @usableFromInline var errors: [BackendError]
        @usableFromInline var coordination: CoordinationStatus?
    }

    @usableFromInline var slow: SharedValue<Slow>
    /// Not in the shared part: it carries the agent's clock, which every answer moves on.
    public var agent: AgentInfo
    public var traffic: TrafficStatus
    public var latency: LatencyStatus

    @inlinable public var site: SiteIdentity {
        _read { yield slow.value.site }
        _modify { yield &slow.value.site }
    }
    @inlinable public var services: [ServiceStatus] {
        _read { yield slow.value.services }
        _modify { yield &slow.value.services }
    }
    @inlinable public var peers: [PeerStatus] {
        _read { yield slow.value.peers }
        _modify { yield &slow.value.peers }
    }
    @inlinable public var health: [HealthCheckStatus] {
        _read { yield slow.value.health }
        _modify { yield &slow.value.health }
    }
    /// Backend problems (routing daemon unreachable, traffic source failing, ...).
    @inlinable public var errors: [BackendError] {
        _read { yield slow.value.errors }
        _modify { yield &slow.value.errors }
    }
    /// The fleet's coordination store as the agent sees it; absent without one.
    @inlinable public var coordination: CoordinationStatus? {
        _read { yield slow.value.coordination }
        _modify { yield &slow.value.coordination }
    }

    public init(
        site: SiteIdentity, agent: AgentInfo, services: [ServiceStatus], peers: [PeerStatus],
        traffic: TrafficStatus, latency: LatencyStatus, health: [HealthCheckStatus] = [],
        errors: [BackendError] = [], coordination: CoordinationStatus? = nil
    ) {
        self.agent = agent
        slow = SharedValue(Slow(site: site, services: services, peers: peers, health: health,
                                errors: errors, coordination: coordination))
        self.traffic = traffic
        self.latency = latency
    }

    enum CodingKeys: String, CodingKey {
        case site, agent, services, peers, traffic, latency, health, errors, coordination
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let site = try c.decode(SiteIdentity.self, forKey: .site)
        agent = try c.decode(AgentInfo.self, forKey: .agent)
        let services = try c.decode([ServiceStatus].self, forKey: .services)
        let peers = try c.decode([PeerStatus].self, forKey: .peers)
        traffic = try c.decodeIfPresent(TrafficStatus.self, forKey: .traffic) ?? .empty
        latency = try c.decodeIfPresent(LatencyStatus.self, forKey: .latency) ?? .none
        slow = SharedValue(Slow(
            site: site, services: services, peers: peers,
            health: try c.decodeIfPresent([HealthCheckStatus].self, forKey: .health) ?? [],
            errors: try c.decodeIfPresent([BackendError].self, forKey: .errors) ?? [],
            coordination: try c.decodeIfPresent(CoordinationStatus.self, forKey: .coordination)))
    }

    /// Every field under its own key, as before the shared part existed (it has no key).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(site, forKey: .site)
        try c.encode(agent, forKey: .agent)
        try c.encode(services, forKey: .services)
        try c.encode(peers, forKey: .peers)
        try c.encode(traffic, forKey: .traffic)
        try c.encode(latency, forKey: .latency)
        try c.encode(health, forKey: .health)
        try c.encode(errors, forKey: .errors)
        try c.encodeIfPresent(coordination, forKey: .coordination)
    }

    /// Peers whose BGP session is Established.
    public var establishedPeerCount: Int { peers.count(where: { $0.state.isEstablished }) }
}
