import Foundation

/// Who drained a service, why, since when, and whether a person or the health checker did it;
/// for a staged drain, the step it is at; for a drain with a lease, when the lease ends.
/// Every field after `mode` is optional on the wire, so agents and dashboards of either age
/// read each other's records.
public struct DrainRecord: Codable, Sendable, Hashable {
    /// Operator name (or the health check's name for automatic withdrawals).
    public var `operator`: String
    /// Free-text reason, 1–500 characters.
    public var reason: String
    /// When the drain was requested.
    public var since: Date
    /// Operator drain or automatic withdrawal.
    public var mode: DrainMode
    /// The step of a staged drain; absent means withdrawn.
    public var stage: DrainStage?
    /// When the drain reached its current step.
    public var stageSince: Date?
    /// The operator asked to stay at the de-prefer step until told to withdraw.
    public var hold: Bool?
    /// The site's query rate when the drain began: the de-prefer step withdraws once the rate
    /// falls below the service's `withdraw_below` share of it.
    public var baselineQps: Double?
    /// When the drain's lease ends and the agent undrains by itself; absent: no lease.
    public var leaseUntil: Date?
    /// The change reference the operator gave (e.g. `CHG-123`).
    public var ticket: String?

    public init(
        operator: String, reason: String, since: Date, mode: DrainMode, stage: DrainStage? = nil,
        stageSince: Date? = nil, hold: Bool? = nil, baselineQps: Double? = nil, leaseUntil: Date? = nil,
        ticket: String? = nil
    ) {
        self.operator = `operator`
        self.reason = reason
        self.since = since
        self.mode = mode
        self.stage = stage
        self.stageSince = stageSince
        self.hold = hold
        self.baselineQps = baselineQps
        self.leaseUntil = leaseUntil
        self.ticket = ticket
    }

    /// The step the drain is at (records without one are withdrawn).
    public var currentStage: DrainStage { stage ?? .withdraw }

    /// How long the lease has left at `now` (zero once ended); nil without a lease.
    public func leaseLeft(at now: Date) -> TimeInterval? {
        leaseUntil.map { max(0, $0.timeIntervalSince(now)) }
    }

    enum CodingKeys: String, CodingKey {
        case `operator`, reason, since, mode, stage, hold, ticket
        case stageSince = "stage_since"
        case baselineQps = "baseline_qps"
        case leaseUntil = "lease_until"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        `operator` = try c.decode(String.self, forKey: .operator)
        reason = try c.decode(String.self, forKey: .reason)
        since = try c.decode(Date.self, forKey: .since)
        mode = try c.decode(DrainMode.self, forKey: .mode)
        // A newer agent's step this dashboard does not know reads as withdrawn: never as announced.
        stage = (try? c.decodeIfPresent(DrainStage.self, forKey: .stage)) ?? nil
        stageSince = try c.decodeIfPresent(Date.self, forKey: .stageSince)
        hold = try c.decodeIfPresent(Bool.self, forKey: .hold)
        baselineQps = try c.decodeIfPresent(Double.self, forKey: .baselineQps)
        leaseUntil = try c.decodeIfPresent(Date.self, forKey: .leaseUntil)
        ticket = try c.decodeIfPresent(String.self, forKey: .ticket)
    }
}
