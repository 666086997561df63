import Foundation

/// How a site's agent stands with the fleet's coordination store (in its status, when it has one).
public struct CoordinationStatus: Codable, Sendable, Hashable {
    /// `ok`: the record is written and withdrawals are judged by the fleet's budget. `lost`: the
    /// store cannot be reached, and `rule` decides. `no_budget`: reached, but nobody has published
    /// a budget, so withdrawals are held as if it were lost.
    public var state: State
    /// What the agent does while the store is lost: `hold` (keep announcing) or `local`.
    public var rule: String
    /// Why, in words, when not `ok`.
    public var detail: String?
    /// Since when the state has held.
    public var since: Date
    /// The store's endpoints.
    public var endpoints: [String]

    public enum State: String, Codable, Sendable, Hashable {
        case ok
        case lost
        case noBudget = "no_budget"
    }

    public init(state: State, rule: String, detail: String? = nil, since: Date, endpoints: [String]) {
        self.state = state
        self.rule = rule
        self.detail = detail
        self.since = since
        self.endpoints = endpoints
    }
}
