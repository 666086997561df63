import AnycastCore

/// The fixed traits of one simulated site.
public struct SimulatedSiteProfile: Sendable, Hashable {
    public var identity: SiteIdentity
    /// The site's share of its region's demand, relative to the other sites.
    public var weight: Double
    public var capacityQPS: Double
    /// Answer latency at low load, in milliseconds.
    public var baseLatencyMs: Double
    /// UTC offset of the region's busy hours, for the daily traffic curve.
    public var utcOffsetHours: Double
    public var peers: [SimulatedPeerProfile]

    public init(identity: SiteIdentity, weight: Double, capacityQPS: Double, baseLatencyMs: Double, utcOffsetHours: Double, peers: [SimulatedPeerProfile]) {
        self.identity = identity
        self.weight = weight
        self.capacityQPS = capacityQPS
        self.baseLatencyMs = baseLatencyMs
        self.utcOffsetHours = utcOffsetHours
        self.peers = peers
    }
}

/// A BGP neighbor of a simulated site (documentation addresses and ASNs only).
public struct SimulatedPeerProfile: Sendable, Hashable {
    public var name: String
    public var address: String
    public var asn: UInt32

    public init(name: String, address: String, asn: UInt32) {
        self.name = name
        self.address = address
        self.asn = asn
    }
}
