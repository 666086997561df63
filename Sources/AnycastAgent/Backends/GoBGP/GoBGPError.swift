/// Why gobgpd could not be asked, or its answer could not be used.
public enum GoBGPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The CLI reached no gobgpd at the API address ("context deadline exceeded", refused).
    case daemonDown(String)
    /// The gobgp CLI is missing, would not start, or gave no answer in time.
    case cli(ProcessRunError)
    /// gobgpd (or the CLI) refused the command: `{"error": ...}`.
    case refused(String)
    /// Not the JSON gobgp prints.
    case malformed(String)

    public var description: String {
        switch self {
        case .daemonDown(let s): "gobgpd is not running or its API is not reachable: \(s)"
        case .cli(let e): e.description
        case .refused(let s): "gobgp refused: \(s)"
        case .malformed(let s): "gobgp answered something unexpected: \(s)"
        }
    }
}
