/// The JSON body of every error the agent answers: `{"error": code, "message": text}`.
public struct APIErrorBody: Codable, Sendable, Hashable {
    /// Machine-readable code, one of `APIErrorCode` (a String, so a newer agent's code still
    /// decodes).
    public var error: String
    /// Human text.
    public var message: String

    public init(error: String, message: String) {
        self.error = error
        self.message = message
    }
}
