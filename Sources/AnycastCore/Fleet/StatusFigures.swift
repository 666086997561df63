import Foundation

/// An update's figures, without its rcode names and latency source (the site's standing
/// keeps those: they rarely change), held without references: with them beside the standing, a
/// copy of a site is plain bytes and two references (its standing and its history), where a
/// fleet snapshot retained a dozen objects of each site, once a second (BENCHMARKS.md).
@usableFromInline struct StatusFigures: Sendable {
    var now: Date
    @usableFromInline var qps: Double?
    @usableFromInline var queriesTotal: UInt64?
    @usableFromInline var sampledAt: Date?
    var rcodeTotals: RcodeCounts.Leading
    @usableFromInline var p50Ms: Double?
    var p95Ms: Double?
    @usableFromInline var p99Ms: Double?
    var successRatio: Double?

    init(_ update: StatusUpdate) {
        now = update.now
        qps = update.qps
        queriesTotal = update.queriesTotal
        sampledAt = update.sampledAt
        rcodeTotals = update.rcodes.leading
        p50Ms = update.latency.p50Ms
        p95Ms = update.latency.p95Ms
        p99Ms = update.latency.p99Ms
        successRatio = update.latency.successRatio
    }

    /// `status` with these figures, as `StatusUpdate.applied(to:)` leaves it; its rcode
    /// names and latency source are the update's already.
    func apply(to status: inout SiteStatus) {
        status.agent.now = now
        let held = status.traffic.rcodes
        let rcodes = RcodeCounts(sortedNames: held.names, leading: rcodeTotals, trailing: held.trailing)
        status.traffic = TrafficStatus(qps: qps, queriesTotal: queriesTotal, rcodes: rcodes, sampledAt: sampledAt, history: [])
        status.latency = LatencyStatus(p50Ms: p50Ms, p95Ms: p95Ms, p99Ms: p99Ms, source: status.latency.source,
                                       successRatio: successRatio)
    }
}
