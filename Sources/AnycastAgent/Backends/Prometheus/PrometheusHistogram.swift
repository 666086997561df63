/// A classic Prometheus histogram: cumulative observation counts per bucket upper bound.
///
/// Quantiles follow Prometheus' `histogram_quantile` (promql `bucketQuantile`): find the
/// bucket holding the rank `q × count`, then interpolate LINEARLY between the bucket's lower
/// and upper bounds, assuming observations spread evenly inside it. The lowest bucket starts
/// at 0 (unless its upper bound is ≤ 0); a rank in the `+Inf` bucket answers the highest
/// finite upper bound. So results are estimates whose precision is the bucket layout's.
public struct PrometheusHistogram: Sendable, Hashable {
    /// One cumulative bucket: observations ≤ `upperBound`.
    public struct Bucket: Sendable, Hashable {
        public var upperBound: Double
        public var cumulativeCount: Double

        public init(upperBound: Double, cumulativeCount: Double) {
            self.upperBound = upperBound
            self.cumulativeCount = cumulativeCount
        }
    }

    /// Buckets by increasing upper bound, one per bound.
    public private(set) var buckets: [Bucket]
    /// `x_sum`, when the exposition had it.
    public var sum: Double?

    /// Sorts `buckets` by upper bound and adds up buckets with the same bound (as
    /// `sum by (le)` does across series).
    public init(buckets: [Bucket], sum: Double? = nil) {
        var merged: [Bucket] = []
        for bucket in buckets.sorted(by: { $0.upperBound < $1.upperBound }) {
            if let last = merged.last, last.upperBound == bucket.upperBound {
                merged[merged.count - 1].cumulativeCount += bucket.cumulativeCount
            } else {
                merged.append(bucket)
            }
        }
        self.buckets = merged
        self.sum = sum
    }

    /// The histogram `name` from `name_bucket{le=...}` (and `name_sum`) samples that match
    /// `labels`, added up bucket by bucket; nil when no bucket series matches. Buckets whose
    /// `le` is not a number are ignored.
    public init?(samples: [PrometheusSample], name: String, matching labels: [String: String] = [:]) {
        let bucketName = name + "_bucket"
        let sumName = name + "_sum"
        var buckets: [Bucket] = []
        var sum: Double?
        for sample in samples where sample.matches(labels) {
            if sample.name == bucketName, let le = sample.labels["le"], let bound = Double(le), !bound.isNaN {
                buckets.append(Bucket(upperBound: bound, cumulativeCount: sample.value))
            } else if sample.name == sumName {
                sum = (sum ?? 0) + sample.value
            }
        }
        guard !buckets.isEmpty else { return nil }
        self.init(buckets: buckets, sum: sum)
    }

    /// Observations in all: the `+Inf` bucket's count (the highest bucket's when it has none).
    public var count: Double { buckets.last?.cumulativeCount ?? 0 }

    /// The `q`-quantile (0...1) estimated as `histogram_quantile` does; nil where Prometheus
    /// answers NaN: no `+Inf` bucket, fewer than two buckets, no observations, or `q` NaN.
    /// `q < 0` answers -Inf and `q > 1` +Inf, as in Prometheus.
    public func quantile(_ q: Double) -> Double? {
        if q.isNaN { return nil }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        guard let last = buckets.last, last.upperBound == .infinity, buckets.count >= 2 else { return nil }
        // Counts must not decrease with the bound; scrapes that raced an update can break that.
        var counts = buckets.map(\.cumulativeCount)
        for i in counts.indices.dropFirst() where counts[i] < counts[i - 1] { counts[i] = counts[i - 1] }
        let observations = counts[counts.count - 1]
        guard observations > 0, observations.isFinite else { return nil }
        var rank = q * observations
        let b = counts.firstIndex { $0 >= rank } ?? counts.count - 1
        if b == buckets.count - 1 { return buckets[buckets.count - 2].upperBound }
        if b == 0 && buckets[0].upperBound <= 0 { return buckets[0].upperBound }
        var start = 0.0
        let end = buckets[b].upperBound
        var inBucket = counts[b]
        if b > 0 {
            start = buckets[b - 1].upperBound
            inBucket -= counts[b - 1]
            rank -= counts[b - 1]
        }
        guard inBucket > 0 else { return start } // only when q = 0 and the lowest buckets are empty
        return start + (end - start) * (rank / inBucket)
    }

    /// The observations made since `previous` (bucket by bucket). When a count went down or
    /// the bucket layout changed, the exporter restarted: everything counted now is new, so
    /// this histogram is answered unchanged.
    public func delta(since previous: PrometheusHistogram) -> PrometheusHistogram {
        guard previous.buckets.map(\.upperBound) == buckets.map(\.upperBound) else { return self }
        var out: [Bucket] = []
        for (now, before) in zip(buckets, previous.buckets) {
            let d = now.cumulativeCount - before.cumulativeCount
            guard d >= 0 else { return self }
            out.append(Bucket(upperBound: now.upperBound, cumulativeCount: d))
        }
        var sumDelta: Double?
        if let sum, let previousSum = previous.sum { sumDelta = sum - previousSum }
        return PrometheusHistogram(buckets: out, sum: sumDelta)
    }
}
