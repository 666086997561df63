/// Body of `POST /v1/extend`: a drain's lease ends `lease` seconds later than it did (or, for a
/// drain without one, `lease` seconds from now).
public struct ExtendRequest: Codable, Sendable, Hashable {
    /// The service whose drain to extend; `nil`: every drained service of the site.
    public var service: String?
    /// Seconds to add.
    public var lease: Int
    /// Who asks.
    public var `operator`: String
    /// Optional note for the audit log.
    public var reason: String?

    public init(service: String? = nil, lease: Int, operator: String, reason: String? = nil) {
        self.service = service
        self.lease = lease
        self.operator = `operator`
        self.reason = reason
    }

    public func validate() throws(RequestValidationError) {
        try RequestValidationError.checkLease(lease)
        try RequestValidationError.checkOperator(`operator`)
        if let reason { try RequestValidationError.checkReason(reason, required: false) }
    }
}
