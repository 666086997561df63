/// The dashboard's fleet: how to poll it, its disruption budget, its regions and sites.
public struct FleetConfig: Sendable, Hashable {
    public var name: String
    /// How often every agent is polled.
    public var pollInterval: Duration
    /// Per-request timeout; 80% of the poll interval unless set.
    public var requestTimeout: Duration
    /// Consecutive failed polls after which a site is shown unreachable.
    public var unreachableAfter: Int
    /// Sites of the whole fleet that must stay announced.
    public var minActiveSites: Int
    /// Theme name, so production can look different from staging.
    public var theme: String?
    public var regions: [RegionConfig]
    public var sites: [SiteConfig]

    public init(
        name: String, pollInterval: Duration = .seconds(1), requestTimeout: Duration? = nil,
        unreachableAfter: Int = 3, minActiveSites: Int = 0, theme: String? = nil,
        regions: [RegionConfig], sites: [SiteConfig]
    ) {
        self.name = name
        self.pollInterval = pollInterval
        self.requestTimeout = requestTimeout ?? pollInterval * 0.8
        self.unreachableAfter = unreachableAfter
        self.minActiveSites = minActiveSites
        self.theme = theme
        self.regions = regions
        self.sites = sites
    }

    /// The region named `name`, if configured.
    public func region(named name: String) -> RegionConfig? { regions.first { $0.name == name } }
}
