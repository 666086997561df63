/// Which routing daemon the agent drives (`[router] kind`), with that daemon's own settings.
public enum RouterConfig: Sendable, Hashable {
    case bird(BirdConfig)
    case frr(FRRConfig)
    case gobgp(GoBGPConfig)
    case exabgp(ExaBGPConfig)

    /// The kinds `[router] kind` accepts today.
    public static let kinds = ["bird", "frr", "gobgp", "exabgp"]

    /// `bird`, `frr`: the name in the config and in the agent's `daemons`.
    public var kind: String {
        switch self {
        case .bird: "bird"
        case .frr: "frr"
        case .gobgp: "gobgp"
        case .exabgp: "exabgp"
        }
    }

    /// Deadline for one command to the daemon.
    public var commandTimeout: Duration {
        switch self {
        case .bird(let b): b.commandTimeout
        case .frr(let f): f.commandTimeout
        case .gobgp(let g): g.commandTimeout
        case .exabgp(let e): e.commandTimeout
        }
    }

    /// How long a change may take to show in what the daemon sends before it is not effective.
    public var drainVerifyDeadline: Duration {
        switch self {
        case .bird(let b): b.drainVerifyDeadline
        case .frr(let f): f.drainVerifyDeadline
        case .gobgp(let g): g.drainVerifyDeadline
        case .exabgp(let e): e.drainVerifyDeadline
        }
    }

    /// BIRD's settings, when BIRD is the daemon.
    public var bird: BirdConfig? {
        if case .bird(let b) = self { return b }
        return nil
    }

    /// Whether services name the protocols that originate their prefixes (`bird_protocols`):
    /// BIRD drains by disabling them; with the others the agent writes the routes itself.
    public var namesOriginProtocols: Bool { kind == "bird" }
}
