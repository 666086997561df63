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
    /// Sites of the fleet that may be in transition at once (with coordination; nil: no limit).
    public var maxConcurrentChanges: Int?
    /// `[coordination]`: the store that keeps the budget and the site records.
    public var coordination: CoordinationConfig?
    /// Theme name, so production can look different from staging.
    public var theme: String?
    /// Whether the dashboard takes clicks and the wheel (`mouse = false` leaves the mouse to
    /// the terminal, for selecting text without Shift).
    public var mouse = true
    /// Largest answer (or status stream line) read from an agent; more is an error for that
    /// site, so a misbehaving agent cannot make the dashboard hold more.
    public var maxResponseBytes: Int
    /// How agents reached over https are checked: CA file and client certificate.
    public var tls: FleetTLSConfig
    public var regions: [RegionConfig]
    public var sites: [SiteConfig]

    public init(
        name: String, pollInterval: Duration = .seconds(1), requestTimeout: Duration? = nil,
        unreachableAfter: Int = 3, minActiveSites: Int = 0, theme: String? = nil,
        maxResponseBytes: Int = FleetConfig.defaultMaxResponseBytes, tls: FleetTLSConfig = FleetTLSConfig(),
        regions: [RegionConfig], sites: [SiteConfig],
        maxConcurrentChanges: Int? = nil, coordination: CoordinationConfig? = nil
    ) {
        self.maxConcurrentChanges = maxConcurrentChanges
        self.coordination = coordination
        self.maxResponseBytes = maxResponseBytes
        self.tls = tls
        self.name = name
        self.pollInterval = pollInterval
        self.requestTimeout = requestTimeout ?? pollInterval * 0.8
        self.unreachableAfter = unreachableAfter
        self.minActiveSites = minActiveSites
        self.theme = theme
        self.regions = regions
        self.sites = sites
    }

    /// 4 MiB: a whole status with its 15-minute history is about 25 KiB.
    public static let defaultMaxResponseBytes = 4 * 1024 * 1024

    /// The config the poller uses: each site's read token when it has one (least privilege),
    /// else its operate token.
    public func forPolling() -> FleetConfig {
        var c = self
        c.sites = sites.map { var s = $0; s.token = $0.readToken ?? $0.token; return s }
        return c
    }

    /// The config of monitor mode: only read tokens are sent, so every site needs one.
    public func readOnly() throws(ConfigError) -> FleetConfig {
        let missing = sites.filter { $0.readToken == nil }.map(\.id)
        guard missing.isEmpty else {
            throw ConfigError(file: name, line: nil, message: "monitor mode sends only read tokens, and these sites have none (add read_token_file, read_token_env or read_token): \(missing.joined(separator: ", "))")
        }
        var c = self
        c.sites = sites.map { var s = $0; s.token = $0.readToken; s.tokenSource = $0.readTokenSource; return s }
        return c
    }

    /// The region named `name`, if configured.
    public func region(named name: String) -> RegionConfig? { regions.first { $0.name == name } }
}
