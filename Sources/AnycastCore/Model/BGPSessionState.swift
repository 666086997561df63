/// The state of a BGP session as the routing daemon reports it (RFC 4271 finite state machine).
public enum BGPSessionState: String, Codable, Sendable, CaseIterable {
    case idle
    case connect
    case active
    case openSent = "opensent"
    case openConfirm = "openconfirm"
    case established
    /// The protocol is administratively down or the state could not be read.
    case down

    /// Whether routes are exchanged over the session.
    public var isEstablished: Bool { self == .established }

    /// The state name as BIRD and most NOC tools print it.
    public var displayName: String {
        switch self {
        case .idle: "Idle"
        case .connect: "Connect"
        case .active: "Active"
        case .openSent: "OpenSent"
        case .openConfirm: "OpenConfirm"
        case .established: "Established"
        case .down: "Down"
        }
    }
}
