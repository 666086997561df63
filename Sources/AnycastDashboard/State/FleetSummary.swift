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
        var latency: [(Double, Double)] = []
        var otherCounts: [SiteCondition: Int] = [:]
        // Each site is read where it lies: an array's subscript hands out a copy of the whole
        // record (a retain of each of its strings and arrays, and a release after), and a
        // buffer's lends its fields. The same for each site's services.
        fleet.sites.withUnsafeBufferPointer { all in
            for i in all.indices {
                add(all, i, latency: &latency, otherCounts: &otherCounts)
            }
        }
        leaseEnds.sort()
        others = SiteCondition.allCases.compactMap { c in otherCounts[c].map { (c, $0) } }
        latency.sort { $0.0 < $1.0 }
        let weight = latency.reduce(0) { $0 + $1.1 }
        var acc = 0.0
        for (p, q) in latency {
            acc += q
            if acc >= weight / 2 { p50Ms = p; break }
        }
    }

    /// Adds `all[i]`, reading its fields one by one: handing the site to a function whole
    /// copies it even from a buffer (the callee might write the memory it lies in).
    private mutating func add(_ all: UnsafeBufferPointer<SiteSnapshot>, _ i: Int, latency: inout [(Double, Double)], otherCounts: inout [SiteCondition: Int]) {
        sites += 1
        let reachability = all[i].reachability
        let services = all[i].status?.services
        let condition = SiteCondition.of(services: services, reachability: reachability)
        switch condition {
        case .active: active += 1
        case .draining where SiteDrain.isDepreferred(services: services): depreferred += 1
        case .drained, .draining, .autoWithdrawn: drained += 1
        case .unreachable: unreachable += 1
        default: otherCounts[condition, default: 0] += 1
        }
        if reachability == .stale || reachability == .unreachable { failing += 1 }
        let known = all[i].qps
        if known != nil { qpsKnown = true }
        let qps = known ?? 0
        totalQPS += qps
        Self.count(qps, in: &regions[all[i].config.region, default: (0, 0)])
        guard let services else { return }
        if reachability == .ok, let p = all[i].status?.latency.p50Ms, qps > 0 { latency.append((p, qps)) }
        services.withUnsafeBufferPointer { services in
            for k in services.indices where services[k].desired == .drain && services[k].drain?.mode == .operator {
                if let end = services[k].drain?.leaseUntil { leaseEnds.append(end) }
            }
            if reachability == .ok {
                withdrawalsHeld += services.count { $0.withdrawHeld != nil }
            }
        }
        if reachability == .ok, let c = all[i].status?.coordination, c.state != .ok { coordinationLost += 1 }
    }

    /// One site more in a region's figures (one lookup of the region, not two).
    private static func count(_ qps: Double, in region: inout (sites: Int, qps: Double)) {
        region.sites += 1
        region.qps += qps
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
