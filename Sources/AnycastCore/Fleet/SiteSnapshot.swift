import Foundation

/// What the dashboard knows about one site: its config, the agent's last good answer, how
/// reachable the agent is, and the site's recent traffic.
///
/// Held as two references and plain figures: its standing (`SiteStanding`, one object every
/// copy shares: what changes when something happens to the site), the figures that change
/// every second, without references, and the rate history (`RateHistory`, whose chunks copies
/// share). The poller copies every site into each fleet snapshot once a second; a copy retains
/// two objects, and an update that brings only figures changes no shared object.
public struct SiteSnapshot: Sendable {
    @usableFromInline var standing: SharedValue<SiteStanding>
    /// The figures of the newest update, when one came after the status held: they stand in
    /// for that status's agent clock, traffic and latency.
    @usableFromInline var statusFigures: StatusFigures?
    /// What the standing's status holds that an update is checked against, kept here.
    @usableFromInline var held: HeldStatusKeys
    /// Current queries per second (the agent's, or computed from its counter).
    public var qps: Double?
    /// When the last successful poll completed.
    public var lastSuccess: Date?
    /// When the last poll (successful or not) completed.
    public var lastAttempt: Date?
    /// The agent's counter at the last good poll (for counter-derived rates).
    public var lastCounter: CounterSample?
    /// One-second rates, oldest first.
    public var history: RateHistory

    public init(config: SiteConfig, historyCapacity: Int = RateHistory.defaultCapacity) {
        standing = SharedValue(SiteStanding(config: config))
        held = HeldStatusKeys()
        history = RateHistory(capacity: historyCapacity)
    }

    /// The site's entry in the fleet config.
    @inlinable public var config: SiteConfig {
        _read { yield standing.value.config.value }
        _modify { yield &standing.value.config.value }
    }

    /// The last status the agent answered successfully, with the figures of the updates since.
    public var status: SiteStatus? {
        get {
            guard let live = statusFigures, var status = standing.value.status else { return standing.value.status }
            live.apply(to: &status)
            return status
        }
        set {
            standing.value.status = newValue
            statusFigures = nil
            held = HeldStatusKeys(newValue)
        }
    }

    // The standing's fields are compared before they are written: a write, even of the same
    // value, copies a standing that the last snapshot shares. (Written out, not through one
    // helper taking a key path: the poller sets these for every site each second, and a key
    // path there was a runtime call to find it and one to apply it.)

    @inlinable public var reachability: SiteReachability {
        get { standing.value.reachability }
        set { if standing.value.reachability != newValue { standing.value.reachability = newValue } }
    }

    @inlinable public var consecutiveFailures: Int {
        get { standing.value.consecutiveFailures }
        set { if standing.value.consecutiveFailures != newValue { standing.value.consecutiveFailures = newValue } }
    }

    /// The last poll error, for people: "timed out after 800 ms", "HTTP 500", ...
    @inlinable public var lastError: String? {
        get { standing.value.lastError }
        set { if standing.value.lastError != newValue { standing.value.lastError = newValue } }
    }

    /// Whether the agent has answered: `status != nil` without making the status.
    @inlinable public var hasStatus: Bool { held.status }

    /// The status's services, read in place.
    @inlinable public var services: [ServiceStatus]? { standing.value.status?.services }

    /// The status's coordination, read in place.
    @inlinable public var coordination: CoordinationStatus? { standing.value.status?.coordination }

    /// The status's median latency, read in place.
    @inlinable public var p50Ms: Double? {
        if let live = statusFigures { live.p50Ms } else { standing.value.status?.latency.p50Ms }
    }

    /// The status's 99th-percentile latency, read in place.
    @inlinable public var p99Ms: Double? {
        if let live = statusFigures { live.p99Ms } else { standing.value.status?.latency.p99Ms }
    }

    /// The status's rate, counter and sample time, read in place (nil without a status).
    @inlinable package var trafficFigures: (qps: Double?, queriesTotal: UInt64?, sampledAt: Date?)? {
        if let live = statusFigures { return (live.qps, live.queriesTotal, live.sampledAt) }
        guard let traffic = standing.value.status?.traffic else { return nil }
        return (traffic.qps, traffic.queriesTotal, traffic.sampledAt)
    }

    /// Brings the status held up to date with `update`'s figures, as
    /// `StatusUpdate.applied(to:)` does to a status, but without writing the standing (which the
    /// fleet's last snapshot shares) unless the update's rcode names or latency source are new,
    /// or its agent counts more rcodes than are held inline (their totals change every second).
    /// False when there is no status to update.
    package mutating func applyFigures(of update: StatusUpdate) -> Bool {
        guard held.status else { return false }
        // The same array of names, not an equal one: the poller's updates share one array
        // (`RcodeNamesPool`), which the first update after a whole status brings in here, once.
        // Comparing the names every second was 2% of the dashboard's time at 1,000 sites.
        if !held.matches(update) {
            if standing.value.status!.traffic.rcodes.namesAddress != update.rcodes.namesAddress
                || standing.value.status!.traffic.rcodes.trailing != update.rcodes.trailing {
                standing.value.status!.traffic.rcodes = update.rcodes
            }
            if standing.value.status!.latency.source != update.latency.source {
                standing.value.status!.latency.source = update.latency.source
            }
            held = HeldStatusKeys(standing.value.status)
        }
        statusFigures = StatusFigures(update)
        return true
    }

    /// Whether `other` is this site (the same id), in this cycle's or another's snapshot. A
    /// site's standing, shared from one cycle to the next unless something happened to it, says
    /// so without reading the config out of memory that has left the cache.
    @inlinable public func isSameSite(as other: SiteSnapshot) -> Bool {
        standing.storage === other.standing.storage || config.id == other.config.id
    }

    /// Seconds since the last good data, `nil` before the first.
    public func dataAge(now: Date) -> TimeInterval? {
        lastSuccess.map { max(0, now.timeIntervalSince($0)) }
    }

    /// The site's status badge.
    public var condition: SiteCondition { SiteCondition.of(services: services, reachability: reachability) }
}
