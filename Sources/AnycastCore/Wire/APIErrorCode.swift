/// Every machine code the agent puts in an error body's `error`; `docs/agent-api.yaml` lists
/// exactly these (a test compares them), so a new code cannot reach clients undocumented.
public enum APIErrorCode: String, CaseIterable, Sendable {
    case badRequest = "bad_request"
    case unauthorized
    case forbidden
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case conflict
    case payloadTooLarge = "payload_too_large"
    case rateLimited = "rate_limited"
    case unavailable
    case `internal`
    /// A withdrawal the fleet's budget refuses (409), with who holds the budget.
    case budgetRefused = "budget_refused"
    /// The fleet's budget cannot be checked, the coordination store being lost (503).
    case coordinationUnavailable = "coordination_unavailable"
    /// Another operator holds the site's lock (409): the message names who, why and since when.
    case siteLocked = "site_locked"
    /// Plain HTTP to an https-only agent.
    case tlsRequired = "tls_required"
}
