/// What the routing daemon is told to do with a service's prefixes.
public enum RouteStep: String, Codable, Sendable, CaseIterable {
    /// Announce normally.
    case announce
    /// Announce with the de-prefer attributes (the service's `DepreferStep`).
    case deprefer
    /// Withdraw from every peer.
    case withdraw

    /// The step a desired state and its drain record ask for.
    public init(desired: DesiredState, drain: DrainRecord?) {
        switch desired {
        case .announce: self = .announce
        case .drain: self = drain?.stage == .deprefer ? .deprefer : .withdraw
        }
    }

    /// How much of the service's traffic the step lets reach the site: withdraw least, announce most.
    public var exposure: Int {
        switch self {
        case .withdraw: 0
        case .deprefer: 1
        case .announce: 2
        }
    }
}
