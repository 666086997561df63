/// Why a program could not be run to its end.
public enum ProcessRunError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No executable file at the path.
    case notFound(String)
    /// The system would not start it.
    case couldNotStart(String, String)
    /// It ran past its deadline and was killed.
    case timedOut(String, Duration)

    public var description: String {
        switch self {
        case .notFound(let path): "\(path) is not installed (no executable file there)"
        case .couldNotStart(let path, let why): "\(path) could not be started: \(why)"
        case .timedOut(let path, let limit): "\(path) gave no answer within \(limit.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow))) and was killed"
        }
    }
}
