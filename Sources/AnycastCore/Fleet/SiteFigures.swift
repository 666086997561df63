import Foundation

/// What changes about a site every second, held without references: a copy of a site is then
/// these bytes and two references (its standing and its history), where a fleet snapshot
/// retained a dozen objects of each site, once a second (BENCHMARKS.md).
@usableFromInline struct SiteFigures: Sendable {
    @usableFromInline var qps: Double?
    @usableFromInline var lastSuccess: Date?
    @usableFromInline var lastAttempt: Date?
    @usableFromInline var lastCounter: CounterSample?
    /// The figures of the newest update, when one came after the status held: they stand in
    /// for that status's agent clock, traffic and latency.
    @usableFromInline var status: Status?
    /// What the standing's status holds that an update is checked against, mirrored here: by
    /// the next second the standing has left the cache, and reading it for every site's
    /// update cost what sharing it saved.
    @usableFromInline var held = Held()

    /// The standing's status, as `SiteSnapshot.applyFigures` checks an update against it.
    @usableFromInline struct Held: Sendable {
        @usableFromInline var status = false
        /// `RcodeCounts.namesAddress` of its rcodes (0 without).
        var rcodeNames: UInt = 0
        /// Whether all its rcodes' totals are held inline (at most eight rcodes).
        var rcodesInline = true
        /// `LatencyStatus.sourceIndex` of its latency's source.
        var latencySource = UInt8.max

        @usableFromInline init() {}

        init(_ status: SiteStatus?) {
            guard let status else { return }
            self.status = true
            rcodeNames = status.traffic.rcodes.namesAddress
            rcodesInline = status.traffic.rcodes.trailing.isEmpty
            latencySource = LatencyStatus.sourceIndex(status.latency.source)
        }

        /// Whether `update`'s rcode names and latency source are those held: the same array of
        /// names, no totals beyond the inline ones, a known source and the same one.
        func matches(_ update: StatusUpdate) -> Bool {
            update.rcodes.namesAddress == rcodeNames && rcodesInline && update.rcodes.trailing.isEmpty
                && latencySource != .max && LatencyStatus.sourceIndex(update.latency.source) == latencySource
        }
    }

    @usableFromInline init() {}

    /// An update's figures, without its rcode names and latency source (the site's standing
    /// keeps those: they rarely change).
    @usableFromInline struct Status: Sendable {
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

        /// `status` with these figures, as `StatusUpdate.applyFigures` leaves it; its rcode
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
}
