/// A problem with one of the agent's backends, reported as data rather than as an HTTP error.
public struct BackendError: Codable, Sendable, Hashable, Error {
    /// Which backend: `bird`, `traffic`, `probe`, ...
    public var source: String
    /// What went wrong, for people.
    public var message: String

    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }
}
