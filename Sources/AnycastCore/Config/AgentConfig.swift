/// A site agent's configuration (`agent.toml`): which site it is, where it listens, who may
/// call it, where it keeps its state, which routing daemon it drives and how, and the services it announces.
public struct AgentConfig: Sendable, Hashable {
    public var site: SiteIdentity
    /// The IP address (or `localhost`) the HTTP API listens on.
    public var listenAddress: String
    public var listenPort: Int
    /// Drains and undrains one token may send a minute (a burst of as many, then one every
    /// 60/n s); more are answered 429.
    public var changesPerMinute: Int
    /// TLS on the API (https), with mutual TLS when it names a client CA; nil: plain HTTP.
    public var tls: AgentTLSConfig?
    /// The bearer tokens the API accepts.
    public var tokens: [AgentTokenConfig]
    /// Where the desired state and the audit log are kept (an absolute path once loaded).
    public var stateDirectory: String
    /// How often the agent compares the routing daemon with the desired state.
    public var reconcileInterval: Duration
    /// The routing daemon (`[router] kind`, BIRD when absent) and how to reach it.
    public var router: RouterConfig
    public var services: [AgentServiceConfig]
    public var traffic: TrafficConfig
    public var probe: ProbeConfig?
    public var health: HealthConfig
    /// `[policy]`: lease limits for drains.
    public var policy: DrainPolicy
    /// `[coordination]`: the fleet's store, where withdrawals take their place in the budget.
    public var coordination: CoordinationConfig?

    public static let defaultListenAddress = "127.0.0.1"
    public static let defaultReconcileInterval: Duration = .seconds(10)
    public static let defaultChangesPerMinute = 30

    public init(
        site: SiteIdentity, listenAddress: String = AgentConfig.defaultListenAddress, listenPort: Int,
        changesPerMinute: Int = AgentConfig.defaultChangesPerMinute, tls: AgentTLSConfig? = nil,
        tokens: [AgentTokenConfig], stateDirectory: String,
        reconcileInterval: Duration = AgentConfig.defaultReconcileInterval,
        router: RouterConfig, services: [AgentServiceConfig],
        traffic: TrafficConfig = .none, probe: ProbeConfig? = nil, health: HealthConfig = HealthConfig(),
        policy: DrainPolicy = .open, coordination: CoordinationConfig? = nil
    ) {
        self.policy = policy
        self.coordination = coordination
        self.traffic = traffic
        self.probe = probe
        self.health = health
        self.site = site
        self.listenAddress = listenAddress
        self.listenPort = listenPort
        self.changesPerMinute = changesPerMinute
        self.tls = tls
        self.tokens = tokens
        self.stateDirectory = stateDirectory
        self.reconcileInterval = reconcileInterval
        self.router = router
        self.services = services
    }

    /// BIRD's settings, when BIRD is the daemon.
    public var bird: BirdConfig? { router.bird }

    /// The services as the agent's route controller knows them.
    public var serviceDefinitions: [ServiceDefinition] { services.map(\.definition) }
}
