/// Where a drained site's traffic is expected to go: to the remaining active sites of its
/// region in proportion to the traffic they carry now, and to the whole fleet when its region
/// has none left, the way anycast routing moves clients to the next-nearest sites.
public struct DrainImpact: Sendable, Hashable {
    /// Queries per second that must move.
    public var movingQPS: Double
    /// The fleet's traffic now.
    public var fleetQPS: Double
    /// Sites expected to take the moved traffic, most loaded first.
    public var receivers: [Receiver]
    /// Traffic with nowhere to go (no active site left anywhere).
    public var strandedQPS: Double
    /// Active sites left to take traffic: in the drained sites' regions, or anywhere when a
    /// region has none left. Zero only when nothing could take the traffic.
    public var takers: Int

    /// One site taking traffic.
    public struct Receiver: Sendable, Hashable {
        public var id: String
        public var region: String
        public var nowQPS: Double
        public var expectedQPS: Double
        public var capacityQPS: Double?

        /// Expected load against capacity (1.0 = full), `nil` when the capacity is unknown.
        public var expectedUtilisation: Double? { capacityQPS.map { expectedQPS / $0 } }
        /// The expected load exceeds the site's capacity.
        public var overCapacity: Bool { (expectedUtilisation ?? 0) > 1 }
    }

    /// A site as the estimate sees it.
    public struct Site: Sendable, Hashable {
        public var id: String
        public var region: String
        public var qps: Double
        public var capacityQPS: Double?
        public var isActive: Bool

        public init(id: String, region: String, qps: Double, capacityQPS: Double?, isActive: Bool) {
            self.id = id
            self.region = region
            self.qps = qps
            self.capacityQPS = capacityQPS
            self.isActive = isActive
        }
    }

    /// The expected effect of draining `draining` (as one set).
    public static func estimate(_ sites: [Site], draining: Set<String>) -> DrainImpact {
        let fleetQPS = sites.reduce(0) { $0 + $1.qps }
        var expected: [String: Double] = [:]
        let remaining = sites.filter { $0.isActive && !draining.contains($0.id) }
        for s in remaining { expected[s.id] = s.qps }
        var moving = 0.0
        var stranded = 0.0
        var takers = Set<String>()
        let drainedByRegion = Dictionary(grouping: sites.filter { draining.contains($0.id) }, by: \.region)
        for (region, drained) in drainedByRegion {
            let qps = drained.reduce(0) { $0 + $1.qps }
            moving += qps
            let inRegion = remaining.filter { $0.region == region }
            let targets = inRegion.isEmpty ? remaining : inRegion
            if targets.isEmpty { stranded += qps; continue }
            takers.formUnion(targets.map(\.id))
            spread(qps, over: targets, into: &expected)
        }
        let receivers = remaining.filter { (expected[$0.id] ?? 0) > $0.qps + 1e-9 }.map {
            Receiver(id: $0.id, region: $0.region, nowQPS: $0.qps, expectedQPS: expected[$0.id] ?? $0.qps, capacityQPS: $0.capacityQPS)
        }.sorted { ($0.expectedUtilisation ?? 0, $0.expectedQPS) > ($1.expectedUtilisation ?? 0, $1.expectedQPS) }
        return DrainImpact(movingQPS: moving, fleetQPS: fleetQPS, receivers: receivers, strandedQPS: stranded, takers: takers.count)
    }

    /// Spreads `qps` over `targets` in proportion to their traffic (their capacity when they
    /// carry none yet, evenly when neither is known).
    private static func spread(_ qps: Double, over targets: [Site], into expected: inout [String: Double]) {
        let byTraffic = targets.reduce(0) { $0 + $1.qps }
        let byCapacity = targets.reduce(0) { $0 + ($1.capacityQPS ?? 0) }
        for t in targets {
            let weight: Double
            if byTraffic > 0 { weight = t.qps / byTraffic } else if byCapacity > 0 { weight = (t.capacityQPS ?? 0) / byCapacity } else { weight = 1 / Double(targets.count) }
            expected[t.id, default: t.qps] += qps * weight
        }
    }
}
