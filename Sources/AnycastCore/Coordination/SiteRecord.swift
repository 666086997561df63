import Foundation

/// What a site's agent keeps in the coordination store about its site, under a lease it keeps
/// alive: enough for the fleet's budget to count the site, and for a dashboard that cannot reach
/// the agent to show what the site last said. A site whose agent is gone loses its record when
/// the lease ends, and then counts as unknown, never as available.
public struct SiteRecord: Codable, Sendable, Hashable {
    public var site: String
    public var region: String
    /// The agent's version, as its status reports it.
    public var agentVersion: String
    /// When the agent last wrote the record.
    public var updatedAt: Date
    /// The site's health check, when it runs one.
    public var health: HealthState?
    public var services: [ServiceRecord]

    public init(site: String, region: String, agentVersion: String, updatedAt: Date, health: HealthState? = nil, services: [ServiceRecord]) {
        self.site = site
        self.region = region
        self.agentVersion = agentVersion
        self.updatedAt = updatedAt
        self.health = health
        self.services = services
    }

    enum CodingKeys: String, CodingKey {
        case site, region, health, services
        case agentVersion = "agent_version"
        case updatedAt = "updated_at"
    }

    /// The record of `service`, if the site has it.
    public func service(_ name: String) -> ServiceRecord? { services.first { $0.name == name } }

    /// Whether any of the site's services is on its way to the step it holds.
    public var isChanging: Bool { services.contains { $0.changingSince != nil } }

    /// The same record, ignoring when it was written: whether a new write would say anything new.
    public func sameState(as other: SiteRecord) -> Bool {
        var a = self, b = other
        a.updatedAt = .distantPast
        b.updatedAt = .distantPast
        return a == b
    }
}

/// One service of a site record.
public struct ServiceRecord: Codable, Sendable, Hashable {
    public var name: String
    /// The step the site holds in the budget: only `announce` can count as active. A withdrawal
    /// changes it in the same transaction that checks the budget, before the routes change.
    public var step: RouteStep
    /// What the routing daemon does with the service's prefixes.
    public var observed: ObservedState
    /// Who drained it, why, the ticket and the lease, while drained.
    public var drain: DrainRecord?
    /// Set from the moment `step` changed until the routing daemon reached it: the change counts
    /// against `max_concurrent_changes` until then.
    public var changingSince: Date?
    /// A withdrawal the budget (or the loss of coordination) holds back, and why.
    public var held: HeldWithdrawal?

    public init(name: String, step: RouteStep, observed: ObservedState, drain: DrainRecord? = nil,
                changingSince: Date? = nil, held: HeldWithdrawal? = nil) {
        self.name = name
        self.step = step
        self.observed = observed
        self.drain = drain
        self.changingSince = changingSince
        self.held = held
    }

    enum CodingKeys: String, CodingKey {
        case name, step, observed, drain, held
        case changingSince = "changing_since"
    }

    /// Whether the service counts as active: allowed to announce normally, and announced.
    public var isActive: Bool { step == .announce && observed == .announced }
}

/// A withdrawal that waits: the site keeps announcing until the budget allows it.
public struct HeldWithdrawal: Codable, Sendable, Hashable {
    /// Who asked: `health`, or the operator.
    public var requester: String
    /// Why it waits, in words: "2 of 3 sites active for dns; min_active_sites = 2".
    public var reason: String
    public var since: Date

    public init(requester: String, reason: String, since: Date) {
        self.requester = requester
        self.reason = reason
        self.since = since
    }
}
