/// What the routing daemon really does with a service's prefixes.
public enum ObservedState: String, Codable, Sendable, CaseIterable {
    /// Every Established peer is sent every prefix of the service.
    case announced
    /// No Established peer is sent any prefix of the service.
    case withdrawn
    /// Some peers or some prefixes, not all.
    case partial
    /// The agent cannot tell (routing daemon unreachable, no data yet).
    case unknown
}
