import Foundation

/// Query traffic at a site: the current rate, the monotonic counter and the recent history.
public struct TrafficStatus: Codable, Sendable, Hashable {
    /// Queries per second over the last sample interval; `nil` when the source gave no data.
    public var qps: Double?
    /// The traffic source's monotonic query counter (restarts at 0 when the DNS server restarts).
    public var queriesTotal: UInt64?
    /// Monotonic answer counters by rcode name (`NOERROR`, `SERVFAIL`, ...).
    public var rcodes: RcodeCounts
    /// Answers per second by rcode over the last sample interval (from the counters' deltas).
    public var rcodeRates: [String: Double]
    /// When the counters were read.
    public var sampledAt: Date?
    /// One-second rates, oldest first.
    public var history: [RatePoint]

    enum CodingKeys: String, CodingKey {
        case qps, rcodes, history
        case queriesTotal = "queries_total"
        case sampledAt = "sampled_at"
        case rcodeRates = "rcode_rates"
    }

    public init(
        qps: Double?, queriesTotal: UInt64?, rcodes: RcodeCounts = [:],
        sampledAt: Date?, history: [RatePoint], rcodeRates: [String: Double] = [:]
    ) {
        self.rcodeRates = rcodeRates
        self.qps = qps
        self.queriesTotal = queriesTotal
        self.rcodes = rcodes
        self.sampledAt = sampledAt
        self.history = history
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        qps = try c.decodeIfPresent(Double.self, forKey: .qps)
        queriesTotal = try c.decodeIfPresent(UInt64.self, forKey: .queriesTotal)
        rcodes = try c.decodeIfPresent(RcodeCounts.self, forKey: .rcodes) ?? [:]
        rcodeRates = try c.decodeIfPresent([String: Double].self, forKey: .rcodeRates) ?? [:]
        sampledAt = try c.decodeIfPresent(Date.self, forKey: .sampledAt)
        history = try c.decodeIfPresent([RatePoint].self, forKey: .history) ?? []
    }

    /// No data: what a site reports before its first sample or when its source fails.
    public static let empty = TrafficStatus(qps: nil, queriesTotal: nil, sampledAt: nil, history: [])
}
