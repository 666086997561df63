import Foundation

/// The dashboard's whole picture of the fleet at one moment.
public struct FleetSnapshot: Sendable {
    public var name: String
    public var takenAt: Date
    public var sites: [SiteSnapshot]
    public var regions: [RegionConfig]
    public var minActiveSites: Int
    public var pollHealth: PollHealth
    /// The indices of the sites whose status, other than its traffic and latency, or whose
    /// reachability changed in the cycle that made this snapshot (from the previous cycle's,
    /// `pollHealth.cycles - 1`); nil when not known. Lets a reader of consecutive snapshots
    /// look for changes where there are any instead of in every site.
    public var changedSites: [Int]?

    public init(name: String, takenAt: Date, sites: [SiteSnapshot], regions: [RegionConfig], minActiveSites: Int, pollHealth: PollHealth,
                changedSites: [Int]? = nil) {
        self.name = name
        self.takenAt = takenAt
        self.sites = sites
        self.regions = regions
        self.minActiveSites = minActiveSites
        self.pollHealth = pollHealth
        self.changedSites = changedSites
    }

    /// Whether `other` holds the same sites, in the same order.
    public func sameSites(as other: FleetSnapshot) -> Bool {
        sites.count == other.sites.count && sites.indices.allSatisfy { sites[$0].isSameSite(as: other.sites[$0]) }
    }

    /// The sites whose status or reachability changed since `previous`, when this snapshot is
    /// the next cycle's of the same sites (`sameSites`, as `sameSites(as:)` answers); nil when
    /// that is not known, and every site is to be looked at.
    public func sitesChanged(after previous: FleetSnapshot, sameSites: Bool) -> [Int]? {
        guard sameSites, let changedSites, pollHealth.cycles == previous.pollHealth.cycles + 1 else { return nil }
        return changedSites.filter { sites.indices.contains($0) }
    }

    /// Sum of the current rates of every site that reported one.
    public var totalQPS: Double { sites.reduce(0) { $0 + ($1.qps ?? 0) } }

    /// The site's share of the fleet's current traffic, 0...1, `nil` without data.
    public func share(of site: SiteSnapshot) -> Double? {
        let total = totalQPS
        guard let qps = site.qps, total > 0 else { return nil }
        return qps / total
    }
}

/// How the poller itself is doing: cycles run, how long the last took, cycles missed.
public struct PollHealth: Sendable, Hashable, Codable {
    public var cycles: Int
    public var lastCycleSeconds: Double?
    /// Cycles that could not start on time because the previous one was still running.
    public var missedCycles: Int
    /// How often cycles are meant to run; with the snapshot's time it says whether they still do.
    public var intervalSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case cycles
        case lastCycleSeconds = "last_cycle_s"
        case missedCycles = "missed_cycles"
        case intervalSeconds = "interval_s"
    }

    public init(cycles: Int = 0, lastCycleSeconds: Double? = nil, missedCycles: Int = 0, intervalSeconds: Double? = nil) {
        self.cycles = cycles
        self.lastCycleSeconds = lastCycleSeconds
        self.missedCycles = missedCycles
        self.intervalSeconds = intervalSeconds
    }

    /// Whether a snapshot taken at `takenAt` is too old at `now` for its poller to be running:
    /// no cycle has ended for three intervals (and at least 5 s).
    public func stalled(takenAt: Date, now: Date) -> Bool {
        guard let interval = intervalSeconds else { return false }
        return now.timeIntervalSince(takenAt) > max(5, 3 * interval)
    }
}
