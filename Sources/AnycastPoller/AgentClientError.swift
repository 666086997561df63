/// Why a request to an agent failed, in words an operator can act on.
public enum AgentClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No answer within the time allowed.
    case timedOut(milliseconds: Int64)
    /// No connection: refused, reset, unreachable, TLS failure.
    case connection(String)
    /// The agent answered with an HTTP error status (and, usually, a JSON error body).
    case http(status: Int, code: String?, message: String?)
    /// The body was not the JSON the API promises.
    case invalidResponse(String)
    /// The body was larger than the configured cap.
    case responseTooLarge(limit: Int)
    /// The site's URL cannot be used.
    case badURL(String)

    /// The agent answered a plain-HTTP request with TLS.
    public static let speaksTLS = AgentClientError.connection("the agent answered with TLS: use an https:// URL for this site")

    public var description: String {
        switch self {
        case .timedOut(let ms): "timed out after \(ms) ms"
        case .connection(let why): why
        case .http(let status, let code, let message):
            "HTTP \(status)" + (code.map { " \($0)" } ?? "") + (message.map { ": \($0)" } ?? "")
        case .invalidResponse(let why): "invalid response: \(why)"
        case .responseTooLarge(let limit): "response larger than \(limit / 1024) KiB"
        case .badURL(let url): "bad agent URL \(url)"
        }
    }
}
