/// Why a command to BIRD's control socket failed, in words an operator can act on.
public enum BirdControlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The socket could not be reached: missing, permission denied, refused (BIRD not running).
    case unreachable(socket: String, reason: String)
    /// No complete reply within the command timeout.
    case timedOut(command: String, milliseconds: Int64)
    /// The connection closed or broke during the command.
    case connectionLost(String)
    /// BIRD answered with an error (8xxx runtime, 9xxx syntax) or something unreadable.
    case reply(BirdReplyError)
    /// The command cannot be sent (a line break or control character in it).
    case invalidCommand(String)

    public var description: String {
        switch self {
        case .unreachable(let socket, let reason): "BIRD control socket \(socket): \(reason)"
        case .timedOut(let command, let ms): "BIRD did not answer '\(command)' within \(ms) ms"
        case .connectionLost(let why): "BIRD connection lost: \(why)"
        case .reply(let error): "BIRD: \(error)"
        case .invalidCommand(let why): "invalid BIRD command: \(why)"
        }
    }
}
