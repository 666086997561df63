/// A service an agent manages: its prefixes and how the routing daemon originates them.
public struct ServiceDefinition: Sendable, Hashable, Codable {
    /// Service name, unique within the site.
    public var name: String
    /// Prefixes in CIDR notation (IPv4 and IPv6).
    public var prefixes: [String]
    /// Routing-daemon protocols that originate the prefixes (BIRD: the static protocol names).
    public var originProtocols: [String]
    /// Withdraw the service automatically when its health checks fail.
    public var autoWithdraw: Bool
    /// The de-prefer step of a staged drain; nil: drains withdraw at once.
    public var deprefer: DepreferStep?

    enum CodingKeys: String, CodingKey {
        case name, prefixes
        case originProtocols = "origin_protocols"
        case autoWithdraw = "auto_withdraw"
        case deprefer
    }

    public init(name: String, prefixes: [String], originProtocols: [String] = [], autoWithdraw: Bool = false, deprefer: DepreferStep? = nil) {
        self.name = name
        self.prefixes = prefixes
        self.originProtocols = originProtocols
        self.autoWithdraw = autoWithdraw
        self.deprefer = deprefer
    }
}
