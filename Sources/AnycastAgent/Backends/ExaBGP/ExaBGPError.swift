/// Why ExaBGP could not be asked, or its answer could not be used.
public enum ExaBGPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nobody reads the command pipe: ExaBGP is not running (or runs without `exabgp.api.cli`).
    case daemonDown(String)
    /// The pipes are not there, or this user may not open them.
    case pipes(String)
    /// No end of the answer within the deadline.
    case timedOut(String)
    /// ExaBGP answered `error` (the reason is in ExaBGP's log).
    case refused(String)
    /// Not the text ExaBGP writes.
    case malformed(String)

    public var description: String {
        switch self {
        case .daemonDown(let s): "ExaBGP is not running (nobody reads its command pipe \(s))"
        case .pipes(let s): "ExaBGP's control pipes: \(s)"
        case .timedOut(let s): "ExaBGP gave no complete answer to '\(s)' in time"
        case .refused(let s): "ExaBGP refused '\(s)' (the reason is in ExaBGP's log)"
        case .malformed(let s): "ExaBGP answered something unexpected: \(s)"
        }
    }
}
