/// One `[[service]]` of the agent config: its prefixes and the BIRD protocols that originate them.
public struct AgentServiceConfig: Sendable, Hashable {
    public var name: String
    /// Prefixes in CIDR notation, IPv4 and IPv6.
    public var prefixes: [String]
    /// BIRD protocols (usually `static`) that originate the prefixes; draining disables them.
    public var birdProtocols: [String]
    /// Withdraw the service when the health check goes down, re-announce when it comes back.
    public var autoWithdraw: Bool
    /// The de-prefer step of its drains (`[service.deprefer]`); nil: drains withdraw at once.
    public var deprefer: DepreferStep?

    public init(name: String, prefixes: [String], birdProtocols: [String], autoWithdraw: Bool = false, deprefer: DepreferStep? = nil) {
        self.name = name
        self.prefixes = prefixes
        self.birdProtocols = birdProtocols
        self.autoWithdraw = autoWithdraw
        self.deprefer = deprefer
    }

    /// The service as the agent's route controller knows it.
    public var definition: ServiceDefinition {
        ServiceDefinition(name: name, prefixes: prefixes, originProtocols: birdProtocols, autoWithdraw: autoWithdraw, deprefer: deprefer)
    }
}
