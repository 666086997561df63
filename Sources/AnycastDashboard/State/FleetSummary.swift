import AnycastCore
import Foundation

/// Fleet-wide figures the header and views show, computed once per poll rather than per frame.
public struct FleetSummary: Sendable, Hashable {
    public var sites = 0
    public var active = 0
    /// Draining, drained or auto-withdrawn (but not de-preferred).
    public var drained = 0
    /// Draining, at the de-prefer step: still announced, but neither active for the budget
    /// nor drained yet.
    public var depreferred = 0
    public var unreachable = 0
    /// Sites in any other condition, by condition, in `SiteCondition`'s order, so the header
    /// can name them.
    public var others: [(condition: SiteCondition, count: Int)] = []
    /// Sites whose agent did not answer the last poll (stale or unreachable).
    public var failing = 0
    /// Whether any site's rate is known: when none is, there is no total to show.
    public var qpsKnown = false
    public var totalQPS = 0.0
    /// qps-weighted median of the sites' p50 latency.
    public var p50Ms: Double?
    /// Sites and qps per region.
    public var regions: [String: (sites: Int, qps: Double)] = [:]
    /// When the operators' drain leases end, soonest first (one per drained service).
    public var leaseEnds: [Date] = []
    /// Services whose withdrawal the fleet's budget holds (they fail their health check and
    /// stay announced).
    public var withdrawalsHeld = 0
    /// Sites whose agent has lost the fleet's coordination store (or finds no budget there):
    /// they fail static.
    public var coordinationLost = 0

    public init() {}

    /// Leases that end within `window` of `now` (or have just ended, and the agent has not
    /// said so yet).
    public func leasesEnding(within window: TimeInterval, of now: Date) -> Int {
        leaseEnds.prefix { $0.timeIntervalSince(now) <= window }.count
    }

    public init(_ fleet: FleetSnapshot) {
        update(to: fleet, from: nil)
    }

    /// What each site adds to the figures besides its rate and latency, by position, as last
    /// read; with the names of the regions they point into.
    private var tallies: [SiteTally] = []
    private var regionNames: [String] = []

    /// The figures of `fleet`, the snapshot that followed `previous` (the one these figures
    /// are of). Every site's rate and latency are read each time; the rest of a site only
    /// when the poller says it changed, or when `fleet` is not `previous`'s next cycle with
    /// the same sites. Reading every site whole, through its status and services, each
    /// second, was 3.6% of a 1,000-site dashboard's CPU.
    public mutating func update(to fleet: FleetSnapshot, from previous: FleetSnapshot?) {
        let changed = Self.changedSites(of: fleet, after: previous, counted: tallies.count)
        // Each site is read where it lies: an array's subscript hands out a copy of the whole
        // record (a retain of each of its strings and arrays, and a release after), and a
        // buffer's lends its fields.
        fleet.sites.withUnsafeBufferPointer { all in
            if let changed {
                for i in changed { tallies[i] = tally(all, i) }
            } else {
                regionNames = []
                tallies = all.indices.map { tally(all, $0) }
            }
        }
        total(fleet)
    }

    /// The sites to read again whole, or nil for all of them.
    private static func changedSites(of fleet: FleetSnapshot, after previous: FleetSnapshot?, counted: Int) -> [Int]? {
        guard let previous, counted == fleet.sites.count else { return nil }
        return fleet.sitesChanged(after: previous, sameSites: fleet.sameSites(as: previous))
    }

    /// Reads `all[i]`'s slow-changing part, field by field: handing the site to a function
    /// whole copies it even from a buffer (the callee might write the memory it lies in).
    private mutating func tally(_ all: UnsafeBufferPointer<SiteSnapshot>, _ i: Int) -> SiteTally {
        let reachability = all[i].reachability
        let services = all[i].services
        let condition = SiteCondition.of(services: services, reachability: reachability)
        let region = regionNames.firstIndex(of: all[i].config.region) ?? {
            regionNames.append(all[i].config.region)
            return regionNames.count - 1
        }()
        var tally = SiteTally(
            condition: condition, depreferred: condition == .draining && SiteDrain.isDepreferred(services: services),
            region: region, reported: services != nil)
        services?.withUnsafeBufferPointer { services in
            for k in services.indices where services[k].desired == .drain && services[k].drain?.mode == .operator {
                if let end = services[k].drain?.leaseUntil { tally.leaseEnds.append(end) }
            }
            if reachability == .ok {
                tally.withdrawalsHeld = services.count { $0.withdrawHeld != nil }
            }
        }
        if reachability == .ok, let c = all[i].coordination, c.state != .ok { tally.coordinationLost = true }
        return tally
    }

    /// The figures from the tallies, and every site's rate and latency.
    private mutating func total(_ fleet: FleetSnapshot) {
        // Every figure from zero; the tallies move over, not copied.
        var figures = FleetSummary()
        swap(&figures.tallies, &tallies)
        swap(&figures.regionNames, &regionNames)
        self = figures
        var latency: [(Double, Double)] = []
        var otherCounts: [SiteCondition: Int] = [:]
        var regionFigures = Array(repeating: (sites: 0, qps: 0.0), count: regionNames.count)
        fleet.sites.withUnsafeBufferPointer { all in
            for i in all.indices {
                let t = tallies[i]
                sites += 1
                switch t.condition {
                case .active: active += 1
                case .draining where t.depreferred: depreferred += 1
                case .drained, .draining, .autoWithdrawn: drained += 1
                case .unreachable: unreachable += 1
                default: otherCounts[t.condition, default: 0] += 1
                }
                let reachability = all[i].reachability
                if reachability == .stale || reachability == .unreachable { failing += 1 }
                let known = all[i].qps
                if known != nil { qpsKnown = true }
                let qps = known ?? 0
                totalQPS += qps
                regionFigures[t.region].sites += 1
                regionFigures[t.region].qps += qps
                guard t.reported else { continue }
                if reachability == .ok, let p = all[i].p50Ms, qps > 0 { latency.append((p, qps)) }
                leaseEnds += t.leaseEnds
                withdrawalsHeld += t.withdrawalsHeld
                if t.coordinationLost { coordinationLost += 1 }
            }
        }
        leaseEnds.sort()
        others = SiteCondition.allCases.compactMap { c in otherCounts[c].map { (c, $0) } }
        for (k, name) in regionNames.enumerated() where regionFigures[k].sites > 0 { regions[name] = regionFigures[k] }
        latency.sort { $0.0 < $1.0 }
        let weight = latency.reduce(0) { $0 + $1.1 }
        var acc = 0.0
        for (p, q) in latency {
            acc += q
            if acc >= weight / 2 { p50Ms = p; break }
        }
    }

    public static func == (a: FleetSummary, b: FleetSummary) -> Bool {
        a.sites == b.sites && a.active == b.active && a.drained == b.drained && a.depreferred == b.depreferred && a.unreachable == b.unreachable
            && a.leaseEnds == b.leaseEnds && a.withdrawalsHeld == b.withdrawalsHeld && a.coordinationLost == b.coordinationLost
            && a.totalQPS == b.totalQPS && a.p50Ms == b.p50Ms && a.failing == b.failing && a.qpsKnown == b.qpsKnown
            && a.others.elementsEqual(b.others) { $0.condition == $1.condition && $0.count == $1.count }
    }

    public func hash(into h: inout Hasher) {
        h.combine(sites)
        h.combine(totalQPS)
    }
}
