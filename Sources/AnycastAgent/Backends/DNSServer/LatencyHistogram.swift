/// A latency histogram: counts of answers per time bucket, for quantiles.
///
/// Quantiles are INTERPOLATED LINEARLY within the bucket that holds the wanted rank (as
/// Prometheus's `histogram_quantile` does): with 10 answers in 128–256 µs and nothing else,
/// p50 is 192 µs, not 256 µs. With Unbound's doubling buckets the answer can be off by up
/// to the bucket's width (a factor of 2) from the true quantile; it is never outside the
/// bucket the true quantile is in.
public struct LatencyHistogram: Sendable, Hashable {
    public struct Bucket: Sendable, Hashable {
        /// Lower and upper bound, in seconds.
        public var lower: Double
        public var upper: Double
        public var count: UInt64

        public init(lower: Double, upper: Double, count: UInt64) {
            self.lower = lower
            self.upper = upper
            self.count = count
        }
    }

    /// Ordered by lower bound.
    public private(set) var buckets: [Bucket]

    public init(buckets: [Bucket]) {
        self.buckets = buckets.sorted { $0.lower < $1.lower }
    }

    /// The number of answers counted (as a double: a sum of 40 UInt64 counters may not fit).
    public var total: Double {
        buckets.reduce(0) { $0 + Double($1.count) }
    }

    /// What was counted between `previous` and this one, bucket by bucket. Nil when the
    /// counters were reset (a bucket went down, e.g. the server restarted) or the bucket
    /// layouts differ.
    public func delta(since previous: LatencyHistogram) -> LatencyHistogram? {
        guard previous.buckets.count == buckets.count else { return nil }
        var result: [Bucket] = []
        result.reserveCapacity(buckets.count)
        for (now, before) in zip(buckets, previous.buckets) {
            guard now.lower == before.lower, now.upper == before.upper, now.count >= before.count else { return nil }
            result.append(Bucket(lower: now.lower, upper: now.upper, count: now.count - before.count))
        }
        return LatencyHistogram(buckets: result)
    }

    /// The `q`-quantile (0...1) in seconds, interpolated linearly within its bucket; nil when
    /// the histogram is empty or `q` is outside 0...1.
    public func quantile(_ q: Double) -> Double? {
        let total = total
        guard total > 0, q >= 0, q <= 1 else { return nil }
        let rank = q * total
        var below = 0.0
        for bucket in buckets where bucket.count > 0 {
            let count = Double(bucket.count)
            if below + count >= rank {
                let fraction = max(0, min(1, (rank - below) / count))
                return bucket.lower + (bucket.upper - bucket.lower) * fraction
            }
            below += count
        }
        return buckets.last(where: { $0.count > 0 })?.upper
    }

    /// Unbound's `histogram.SSSSSS.UUUUUU.to.SSSSSS.UUUUUU=N` lines (seconds.microseconds,
    /// 40 doubling buckets from 0–1 µs to 262144–524288 s, printed with
    /// `extended-statistics: yes`); nil when there are none. Lines with another shape are ignored.
    public static func unbound(_ stats: StatsText) -> LatencyHistogram? {
        var buckets: [Bucket] = []
        for (name, value) in stats.withPrefix("histogram.") {
            guard let count = value.integer else { continue }
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 5, parts[2] == "to",
                  let lower = seconds(parts[0], parts[1]), let upper = seconds(parts[3], parts[4]),
                  lower < upper
            else { continue }
            buckets.append(Bucket(lower: lower, upper: upper, count: count))
        }
        return buckets.isEmpty ? nil : LatencyHistogram(buckets: buckets)
    }

    private static func seconds(_ whole: Substring, _ micros: Substring) -> Double? {
        guard micros.count == 6, whole.allSatisfy(\.isASCII), micros.allSatisfy(\.isASCII),
              let w = UInt64(whole), let u = UInt64(micros)
        else { return nil }
        return Double(w) + Double(u) / 1_000_000
    }
}
