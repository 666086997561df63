import Foundation

/// The answer of `GET /v1/status/update?known=REVISION`: the poller's once-a-second request.
///
/// Between polls almost nothing about a site changes but its traffic and latency. The agent
/// therefore labels everything else (identity, services, peers, health, errors) with a
/// `revision`; when the caller already holds that revision it gets only the fast-changing
/// figures as one flat object (cheap to send and to decode), otherwise the whole `status` too.
/// Times are Unix seconds; `history` is flat pairs `[t, qps, t, qps, ...]` after
/// `history_after`; the rcode counters are two parallel arrays (`rcode_names`,
/// `rcode_totals`). Flat arrays instead of nested objects: decoding an object costs several
/// times more than decoding a list of numbers with Foundation's `JSONDecoder`.
public struct StatusUpdate: Codable, Sendable, Hashable {
    /// Label of the slow-changing part of the status; send it back as `known`.
    public var revision: String
    /// The agent's clock when it answered.
    public var now: Date
    public var qps: Double?
    public var queriesTotal: UInt64?
    public var rcodes: RcodeCounts
    public var sampledAt: Date?
    public var latency: LatencyStatus
    /// New one-second rates, oldest first.
    public var history: [RatePoint]
    /// The whole status, present when the caller's `known` revision is not the current one.
    public var status: SiteStatus? {
        get { heldStatus?.value }
        set { heldStatus = newValue.map(SharedValue.init) }
    }
    /// The status held by reference: most updates carry none, and each is moved several times
    /// on its way from the reader to its site. With the status inline an update was about 420
    /// bytes to move; now it is about 170.
    var heldStatus: SharedValue<SiteStatus>?

    public init(
        revision: String, now: Date, qps: Double?, queriesTotal: UInt64?, rcodes: RcodeCounts,
        sampledAt: Date?, latency: LatencyStatus, history: [RatePoint], status: SiteStatus?
    ) {
        self.revision = revision
        self.now = now
        self.qps = qps
        self.queriesTotal = queriesTotal
        self.rcodes = rcodes
        self.sampledAt = sampledAt
        self.latency = latency
        self.history = history
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case revision, now, qps, history, status
        case rcodeNames = "rcode_names"
        case rcodeTotals = "rcode_totals"
        case queriesTotal = "queries_total"
        case sampledAt = "sampled_at"
        case p50Ms = "p50_ms"
        case p95Ms = "p95_ms"
        case p99Ms = "p99_ms"
        case latencySource = "latency_source"
        case successRatio = "success_ratio"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        revision = try c.decode(String.self, forKey: .revision)
        now = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .now))
        qps = try c.decodeIfPresent(Double.self, forKey: .qps)
        queriesTotal = try c.decodeIfPresent(UInt64.self, forKey: .queriesTotal)
        let names = try c.decodeIfPresent([String].self, forKey: .rcodeNames) ?? []
        let totals = try c.decodeIfPresent([UInt64].self, forKey: .rcodeTotals) ?? []
        guard names.count == totals.count else {
            throw DecodingError.dataCorruptedError(forKey: .rcodeTotals, in: c, debugDescription: "rcode_names and rcode_totals differ in length")
        }
        rcodes = RcodeCounts(names: names, totals: totals)
        sampledAt = try c.decodeIfPresent(Double.self, forKey: .sampledAt).map { Date(timeIntervalSince1970: $0) }
        latency = LatencyStatus(
            p50Ms: try c.decodeIfPresent(Double.self, forKey: .p50Ms),
            p95Ms: try c.decodeIfPresent(Double.self, forKey: .p95Ms),
            p99Ms: try c.decodeIfPresent(Double.self, forKey: .p99Ms),
            source: try c.decodeIfPresent(String.self, forKey: .latencySource) ?? "none",
            successRatio: try c.decodeIfPresent(Double.self, forKey: .successRatio))
        let flat = try c.decodeIfPresent([Double].self, forKey: .history) ?? []
        guard flat.count % 2 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .history, in: c, debugDescription: "history must hold pairs of time and rate")
        }
        var points: [RatePoint] = []
        points.reserveCapacity(flat.count / 2)
        var i = 0
        while i < flat.count {
            points.append(RatePoint(t: Date(timeIntervalSince1970: flat[i]), qps: flat[i + 1]))
            i += 2
        }
        history = points
        status = try c.decodeIfPresent(SiteStatus.self, forKey: .status)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(revision, forKey: .revision)
        try c.encode(Self.milliseconds(now), forKey: .now)
        try c.encodeIfPresent(qps.map { ($0 * 100).rounded() / 100 }, forKey: .qps)
        try c.encodeIfPresent(queriesTotal, forKey: .queriesTotal)
        if !rcodes.isEmpty {
            try c.encode(rcodes.map(\.name), forKey: .rcodeNames)
            try c.encode(rcodes.map(\.total), forKey: .rcodeTotals)
        }
        try c.encodeIfPresent(sampledAt.map(Self.milliseconds), forKey: .sampledAt)
        try c.encodeIfPresent(latency.p50Ms, forKey: .p50Ms)
        try c.encodeIfPresent(latency.p95Ms, forKey: .p95Ms)
        try c.encodeIfPresent(latency.p99Ms, forKey: .p99Ms)
        try c.encode(latency.source, forKey: .latencySource)
        try c.encodeIfPresent(latency.successRatio, forKey: .successRatio)
        var flat: [Double] = []
        flat.reserveCapacity(history.count * 2)
        for p in history {
            flat.append(Self.milliseconds(p.t))
            flat.append((p.qps * 100).rounded() / 100)
        }
        try c.encode(flat, forKey: .history)
        try c.encodeIfPresent(status, forKey: .status)
    }

    private static func milliseconds(_ date: Date) -> Double {
        (date.timeIntervalSince1970 * 1000).rounded() / 1000
    }

    /// `previous` brought up to date with this answer's fast-changing figures (or this
    /// answer's own `status` when it carries one, with this answer's points as its history).
    /// The figures are the agent's clock, the traffic and the latency; the points are not among
    /// them: they are the newest few of a history the caller keeps (a poller's `RateHistory`).
    /// A poller's site takes the same figures in place (`SiteSnapshot.applyFigures(of:)`).
    public func applied(to previous: SiteStatus?) -> SiteStatus? {
        if var full = status {
            full.agent.now = now
            full.traffic.history = history
            return full
        }
        guard var merged = previous else { return nil }
        merged.agent.now = now
        merged.traffic = TrafficStatus(qps: qps, queriesTotal: queriesTotal, rcodes: rcodes, sampledAt: sampledAt, history: [])
        merged.latency = latency
        return merged
    }
}
