/// Why an answer of FRR's vtysh could not be used.
public enum FRRReplyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// vtysh could not reach bgpd ("failed to connect to any daemons").
    case daemonDown(String)
    /// vtysh did not know the command (FRR too old or too new for it).
    case unknownCommand(String)
    /// FRR answered with a warning object instead (e.g. "No such neighbor in this view/vrf").
    case warning(String)
    /// Not the JSON FRR sends.
    case malformed(String)

    public var description: String {
        switch self {
        case .daemonDown(let s): "bgpd is not running or vtysh cannot reach it: \(s)"
        case .unknownCommand(let s): "FRR does not know the command: \(s)"
        case .warning(let s): "FRR says: \(s)"
        case .malformed(let s): "FRR answered something unexpected: \(s)"
        }
    }
}
