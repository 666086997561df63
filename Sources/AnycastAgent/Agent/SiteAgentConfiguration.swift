import AnycastCore
import Clocks
import Foundation
import Logging

/// Everything a `SiteAgent` is made of: the site it speaks for, its backends, its policies and
/// its time. Only the site, its services and the backends have no default.
public struct SiteAgentConfiguration: Sendable {
    /// The daemons and files the agent reads and changes.
    public struct Backends: Sendable {
        public var routes: any RouteController
        public var traffic: any TrafficSource
        /// Measures answer latency; with `health` set, it is also the health check.
        public var probe: (any LatencyProbe)?
        /// Where the desired state of each service is kept across restarts.
        public var store: any DesiredStateStore
        /// Where every event is written for the audit trail; nil: events live in memory only.
        public var audit: (any AuditSink)?

        public init(
            routes: any RouteController, traffic: any TrafficSource, probe: (any LatencyProbe)? = nil,
            store: any DesiredStateStore, audit: (any AuditSink)? = nil
        ) {
            self.routes = routes
            self.traffic = traffic
            self.probe = probe
            self.store = store
            self.audit = audit
        }
    }

    public var identity: SiteIdentity
    public var services: [ServiceDefinition]
    public var backends: Backends
    public var version = AgentVersion.current
    /// The daemons the backends speak to, as the status reports them (`bird`, `unbound`).
    public var daemons: [String] = []
    /// The routing daemon the route controller drives (`bird`, `frr`), as the status reports it.
    public var router: String?
    /// Longest wait for any one backend call.
    public var backendTimeout: Duration = .seconds(2)
    /// How often the desired state is compared with the daemon's and re-applied; nil: never.
    public var reconcileInterval: Duration?
    /// How long a change may take to show in the export tables before it is "not effective";
    /// nil: changes are not watched.
    public var verifyDeadline: Duration?
    /// Rise and fall of the health check (the probe's answers); nil: no health check.
    public var health: HealthConfig?
    /// How often the probe runs; nil: every refresh.
    public var probeInterval: Duration?
    /// Prometheus metrics, updated after every refresh.
    public var metrics: AgentMetrics?
    /// Most status streams open at once.
    public var maxStatusStreams = 256
    /// Lease limits for drains (`[policy]`).
    public var policy = DrainPolicy.open
    /// The fleet's coordination store, where withdrawals take their place in the budget; nil:
    /// the site decides alone.
    public var coordination: CoordinationLink?
    /// What the agent waits on and measures intervals with (a test clock in tests).
    public var clock: AnyClock<Duration> = AnyClock(ContinuousClock())
    /// The wall-clock time that events, samples and drains are stamped with.
    public var now: @Sendable () -> Date = { Date() }
    public var logger = Logger(label: "anycast-agent")

    public init(identity: SiteIdentity, services: [ServiceDefinition], backends: Backends) {
        self.identity = identity
        self.services = services
        self.backends = backends
    }
}
