/// What the operator (or the health checker) wants for a service at a site.
public enum DesiredState: String, Codable, Sendable, CaseIterable {
    /// The service's prefixes should be announced to every BGP peer.
    case announce
    /// The service's prefixes should be withdrawn: the site is drained.
    case drain
}
