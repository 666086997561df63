import AnycastCore

/// The last `capacity` probe checks (round-trip time or failure) and their latency quantiles.
///
/// Quantiles are nearest-rank over the successful checks only: the p-quantile of n sorted
/// round trips is the ⌈p·n⌉-th smallest (so it is always a time that was measured). Failures
/// count only in `successRatio`.
public struct ProbeWindow: Sendable, Hashable {
    /// How many checks are kept (at least 1).
    public let capacity: Int
    /// Oldest first; nil is a failed check.
    private var samples: [Double?] = []

    public init(capacity: Int = 60) {
        self.capacity = max(1, capacity)
    }

    /// Records a check answered as expected after `milliseconds`.
    public mutating func recordSuccess(milliseconds: Double) {
        append(milliseconds)
    }

    /// Records a failed check.
    public mutating func recordFailure() {
        append(nil)
    }

    private mutating func append(_ sample: Double?) {
        samples.append(sample)
        if samples.count > capacity { samples.removeFirst(samples.count - capacity) }
    }

    /// Checks in the window.
    public var checks: Int { samples.count }

    /// Successful checks in the window.
    public var successes: Int { samples.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Successes over checks, nil before the first check.
    public var successRatio: Double? {
        checks == 0 ? nil : Double(successes) / Double(checks)
    }

    /// The nearest-rank p-quantile (0 < p ≤ 1) of the successful round trips, nil without any.
    public func quantile(_ p: Double) -> Double? {
        let sorted = samples.compactMap { $0 }.sorted()
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The window as the agent reports it: p50/p95/p99 in ms, success ratio, source `probe`.
    public var status: LatencyStatus {
        LatencyStatus(p50Ms: quantile(0.50), p95Ms: quantile(0.95), p99Ms: quantile(0.99),
                      source: "probe", successRatio: successRatio)
    }
}
