import Foundation

/// The agent process answering: its version, when it started and its clock.
public struct AgentInfo: Codable, Sendable, Hashable {
    public var version: String
    public var startedAt: Date
    /// The agent's clock when it built the answer (lets the dashboard spot clock skew).
    public var now: Date
    /// The daemons the agent reads and drives, for people (`bird`, `unbound`); absent from
    /// agents that don't say.
    public var daemons: [String]?
    /// The routing daemon the agent drives (`bird`, `frr`; `simulated` in the demo); absent from
    /// agents that don't say.
    public var router: String?
    /// The longest drain lease the agent accepts, in seconds; absent: no limit (or an older agent).
    public var maxLease: Double?
    /// The agent refuses drains without a lease.
    public var requireLease: Bool?
    /// The agent keeps drain leases, staged drains and `POST /v1/extend`; absent from older agents.
    public var drainLifecycle: Bool?

    enum CodingKeys: String, CodingKey {
        case version, now, daemons, router
        case startedAt = "started_at"
        case maxLease = "max_lease"
        case requireLease = "require_lease"
        case drainLifecycle = "drain_lifecycle"
    }

    public init(
        version: String, startedAt: Date, now: Date, daemons: [String]? = nil, router: String? = nil, maxLease: Double? = nil,
        requireLease: Bool? = nil, drainLifecycle: Bool? = nil
    ) {
        self.version = version
        self.startedAt = startedAt
        self.now = now
        self.daemons = daemons
        self.router = router
        self.maxLease = maxLease
        self.requireLease = requireLease
        self.drainLifecycle = drainLifecycle
    }
}
