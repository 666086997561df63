/// What the status in a site's standing holds that each update is checked against, kept
/// beside the standing as plain numbers: by the next second the standing has left the cache,
/// and reading it for every site's update cost what sharing it saved (BENCHMARKS.md).
@usableFromInline struct HeldStatusKeys: Sendable {
    /// Whether the standing holds a status.
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
