/// Everything an agent knows about its site: the answer of `GET /v1/status`.
public struct SiteStatus: Codable, Sendable, Hashable {
    public var site: SiteIdentity
    public var agent: AgentInfo
    public var services: [ServiceStatus]
    public var peers: [PeerStatus]
    public var traffic: TrafficStatus
    public var latency: LatencyStatus
    public var health: [HealthCheckStatus]
    /// Backend problems (routing daemon unreachable, traffic source failing, ...).
    public var errors: [BackendError]
    /// The fleet's coordination store as the agent sees it; absent without one.
    public var coordination: CoordinationStatus?

    public init(
        site: SiteIdentity, agent: AgentInfo, services: [ServiceStatus], peers: [PeerStatus],
        traffic: TrafficStatus, latency: LatencyStatus, health: [HealthCheckStatus] = [],
        errors: [BackendError] = [], coordination: CoordinationStatus? = nil
    ) {
        self.coordination = coordination
        self.site = site
        self.agent = agent
        self.services = services
        self.peers = peers
        self.traffic = traffic
        self.latency = latency
        self.health = health
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case site, agent, services, peers, traffic, latency, health, errors, coordination
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        site = try c.decode(SiteIdentity.self, forKey: .site)
        agent = try c.decode(AgentInfo.self, forKey: .agent)
        services = try c.decode([ServiceStatus].self, forKey: .services)
        peers = try c.decode([PeerStatus].self, forKey: .peers)
        traffic = try c.decodeIfPresent(TrafficStatus.self, forKey: .traffic) ?? .empty
        latency = try c.decodeIfPresent(LatencyStatus.self, forKey: .latency) ?? .none
        health = try c.decodeIfPresent([HealthCheckStatus].self, forKey: .health) ?? []
        errors = try c.decodeIfPresent([BackendError].self, forKey: .errors) ?? []
        coordination = try c.decodeIfPresent(CoordinationStatus.self, forKey: .coordination)
    }

    /// Peers whose BGP session is Established.
    public var establishedPeerCount: Int { peers.count(where: { $0.state.isEstablished }) }
}
