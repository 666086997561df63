/// Why FRR could not be asked, or its answer could not be used.
public enum FRRReplyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// vtysh could not reach bgpd ("failed to connect to any daemons").
    case daemonDown(String)
    /// vtysh would not let this user in (its config or FRR's sockets are not readable).
    case permissionDenied(String)
    /// vtysh is missing, would not start, or gave no answer in time.
    case vtysh(ProcessRunError)
    /// vtysh did not know the command (FRR too old or too new for it).
    case unknownCommand(String)
    /// FRR refused a configuration line.
    case rejected(String)
    /// FRR answered with a warning object instead (e.g. "No such neighbor in this view/vrf").
    case warning(String)
    /// Not the JSON FRR sends.
    case malformed(String)

    public var description: String {
        switch self {
        case .daemonDown(let s): "bgpd is not running or vtysh cannot reach it: \(s)"
        case .permissionDenied(let s): "permission denied: vtysh needs root or the frrvty group: \(s)"
        case .vtysh(let e): e.description
        case .unknownCommand(let s): "FRR does not know the command: \(s)"
        case .rejected(let s): "FRR refused the configuration: \(s)"
        case .warning(let s): "FRR says: \(s)"
        case .malformed(let s): "FRR answered something unexpected: \(s)"
        }
    }
}
