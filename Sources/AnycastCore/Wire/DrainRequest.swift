/// Body of `POST /v1/drain`.
public struct DrainRequest: Codable, Sendable, Hashable {
    /// The service to drain; `nil` drains every service of the site.
    public var service: String?
    /// Why, 1–500 characters (Unicode scalars), not all white space. Required.
    public var reason: String
    /// Who asks.
    public var `operator`: String
    /// Seconds until the agent undrains by itself; nil: until someone undrains.
    public var lease: Int?
    /// A change reference, shown with the drain (at most 100 characters).
    public var ticket: String?
    /// `deprefer`: stop at the de-prefer step until told to go on. `withdraw`: withdraw now,
    /// skipping the de-prefer step, or moving a de-preferred service on. nil: the service's
    /// whole staged drain (or a withdraw, for a service without a de-prefer step).
    public var stage: DrainStage?
    /// The operator confirmed draining although the fleet's budget refuses it, or cannot be
    /// checked (the coordination store is lost). Recorded with the drain.
    public var budgetOverride: Bool?
    /// The id of the site's lock the sender holds in the coordination store: an agent with
    /// coordination refuses a drain while someone else holds the site's lock.
    public var lock: String?

    enum CodingKeys: String, CodingKey {
        case service, reason, `operator`, lease, ticket, stage, lock
        case budgetOverride = "budget_override"
    }

    public init(service: String? = nil, reason: String, operator: String, lease: Int? = nil, ticket: String? = nil, stage: DrainStage? = nil,
                budgetOverride: Bool? = nil, lock: String? = nil) {
        self.budgetOverride = budgetOverride
        self.lock = lock
        self.service = service
        self.reason = reason
        self.operator = `operator`
        self.lease = lease
        self.ticket = ticket
        self.stage = stage
    }

    /// Longest ticket the API accepts, in Unicode scalars.
    public static let maxTicketLength = 100

    /// Checks the fields a JSON decoder cannot: lengths, blank strings, control characters.
    public func validate() throws(RequestValidationError) {
        try RequestValidationError.checkReason(reason, required: true)
        try RequestValidationError.checkOperator(`operator`)
        if let lease { try RequestValidationError.checkLease(lease) }
        if let ticket { try RequestValidationError.checkTicket(ticket) }
        if let lock, lock.isEmpty || lock.unicodeScalars.count > 100 {
            throw RequestValidationError("lock must be a lock id of 1-100 characters")
        }
    }
}
