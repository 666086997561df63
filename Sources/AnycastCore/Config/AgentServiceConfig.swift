/// One `[[service]]` of the agent config: its prefixes and the BIRD protocols that originate them.
public struct AgentServiceConfig: Sendable, Hashable {
    public var name: String
    /// Prefixes in CIDR notation, IPv4 and IPv6.
    public var prefixes: [String]
    /// BIRD protocols (usually `static`) that originate the prefixes; draining disables them.
    public var birdProtocols: [String]
    /// Withdraw the service when the health check goes down, re-announce when it comes back.
    public var autoWithdraw: Bool

    public init(name: String, prefixes: [String], birdProtocols: [String], autoWithdraw: Bool = false) {
        self.name = name
        self.prefixes = prefixes
        self.birdProtocols = birdProtocols
        self.autoWithdraw = autoWithdraw
    }

    /// The service as the agent's route controller knows it.
    public var definition: ServiceDefinition {
        ServiceDefinition(name: name, prefixes: prefixes, originProtocols: birdProtocols, autoWithdraw: autoWithdraw)
    }
}
