import Foundation

/// What the dashboard knows about one site: its config, the agent's last good answer, how
/// reachable the agent is, and the site's recent traffic.
public struct SiteSnapshot: Sendable {
    /// Shared by every copy (`SharedValue`): it changes only when the fleet config does.
    @usableFromInline var sharedConfig: SharedValue<SiteConfig>
    /// The site's entry in the fleet config.
    @inlinable public var config: SiteConfig {
        _read { yield sharedConfig.value }
        _modify { yield &sharedConfig.value }
    }
    /// The last status the agent answered successfully.
    public var status: SiteStatus?
    public var reachability: SiteReachability
    /// When the last successful poll completed.
    public var lastSuccess: Date?
    /// When the last poll (successful or not) completed.
    public var lastAttempt: Date?
    public var consecutiveFailures: Int
    /// The last poll error, for people: "timed out after 800 ms", "HTTP 500", ...
    public var lastError: String?
    /// Current queries per second (the agent's, or computed from its counter).
    public var qps: Double?
    /// One-second rates, oldest first.
    public var history: RateHistory
    /// The agent's counter at the last good poll (for counter-derived rates).
    public var lastCounter: CounterSample?

    public init(config: SiteConfig, historyCapacity: Int = RateHistory.defaultCapacity) {
        self.sharedConfig = SharedValue(config)
        self.status = nil
        self.reachability = .pending
        self.consecutiveFailures = 0
        self.history = RateHistory(capacity: historyCapacity)
    }

    /// Seconds since the last good data, `nil` before the first.
    public func dataAge(now: Date) -> TimeInterval? {
        lastSuccess.map { max(0, now.timeIntervalSince($0)) }
    }

    /// The site's status badge.
    public var condition: SiteCondition { SiteCondition.of(services: status?.services, reachability: reachability) }

}
