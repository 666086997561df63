/// The JSON body of every error the agent answers: `{"error": code, "message": text}`.
public struct APIErrorBody: Codable, Sendable, Hashable {
    /// Machine-readable code: `bad_request`, `unauthorized`, `forbidden`, `not_found`,
    /// `method_not_allowed`, `payload_too_large`, `unavailable`, `conflict`, `internal`,
    /// `tls_required` (plain HTTP to an https-only agent).
    public var error: String
    /// Human text.
    public var message: String

    public init(error: String, message: String) {
        self.error = error
        self.message = message
    }
}
