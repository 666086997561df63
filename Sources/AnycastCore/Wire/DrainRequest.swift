/// Body of `POST /v1/drain`.
public struct DrainRequest: Codable, Sendable, Hashable {
    /// The service to drain; `nil` drains every service of the site.
    public var service: String?
    /// Why, 1–500 characters (Unicode scalars), not all white space. Required.
    public var reason: String
    /// Who asks.
    public var `operator`: String

    public init(service: String? = nil, reason: String, operator: String) {
        self.service = service
        self.reason = reason
        self.operator = `operator`
    }

    /// Checks the fields a JSON decoder cannot: lengths, blank strings, control characters.
    public func validate() throws(RequestValidationError) {
        try RequestValidationError.checkReason(reason, required: true)
        try RequestValidationError.checkOperator(`operator`)
    }
}
