/// One site as the dashboard knows it from the fleet config.
public struct SiteConfig: Sendable, Hashable {
    public var id: String
    public var name: String
    public var region: String
    /// Base URL of the site's agent, e.g. `http://127.0.0.1:9101`.
    public var url: String
    /// The bearer token sent to the agent (resolved from its source at load time).
    public var token: String?
    /// Where the token came from, for `--print-config` style output (never the token itself).
    public var tokenSource: TokenSource?
    /// A token with read scope only, used for polling (and the only one sent in monitor mode).
    public var readToken: String?
    /// Where the read token came from.
    public var readTokenSource: TokenSource?
    /// How many queries per second the site can serve; used by the drain impact preview.
    public var capacityQPS: Double?
    public var location: String?
    /// The agent must be reached over TLS: an `http://` URL is a config error, so a token is
    /// never sent in the clear by mistake.
    public var tls: Bool

    public init(
        id: String, name: String, region: String, url: String, token: String? = nil,
        tokenSource: TokenSource? = nil, readToken: String? = nil, readTokenSource: TokenSource? = nil,
        capacityQPS: Double? = nil, location: String? = nil, tls: Bool = false
    ) {
        self.tls = tls
        self.id = id
        self.name = name
        self.region = region
        self.url = url
        self.token = token
        self.tokenSource = tokenSource
        self.readToken = readToken
        self.readTokenSource = readTokenSource
        self.capacityQPS = capacityQPS
        self.location = location
    }
}
