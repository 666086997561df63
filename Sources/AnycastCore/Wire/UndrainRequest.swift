/// Body of `POST /v1/undrain`.
public struct UndrainRequest: Codable, Sendable, Hashable {
    /// The service to put back; `nil` means every service of the site.
    public var service: String?
    /// Optional note for the audit log, at most 500 characters.
    public var reason: String?
    /// Who asks.
    public var `operator`: String
    /// Undrain even when the health checker holds the service withdrawn.
    public var force: Bool?

    public init(service: String? = nil, reason: String? = nil, operator: String, force: Bool? = nil) {
        self.service = service
        self.reason = reason
        self.operator = `operator`
        self.force = force
    }

    /// Checks the fields a JSON decoder cannot: lengths, blank strings, control characters.
    public func validate() throws(RequestValidationError) {
        if let reason { try RequestValidationError.checkReason(reason, required: false) }
        try RequestValidationError.checkOperator(`operator`)
    }
}
