/// Why a BIRD control-socket reply could not be used.
public enum BirdReplyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// BIRD reported a runtime error (8xxx), e.g. `8003 No protocols match`.
    case runtime(code: Int, message: String)
    /// BIRD could not parse the command (9xxx), e.g. `9001 syntax error, ...`.
    case syntax(code: Int, message: String)
    /// Bytes or a line that fit no rule of the control protocol or of the expected table.
    case malformed(String)

    public var description: String {
        switch self {
        case let .runtime(code, message): "BIRD error \(code): \(message)"
        case let .syntax(code, message): "BIRD syntax error \(code): \(message)"
        case let .malformed(detail): "malformed BIRD reply: \(detail)"
        }
    }
}
