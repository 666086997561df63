import Foundation

/// The per-second rate between two readings of a monotonic counter.
///
/// Robust to the three things real counters do: there is no rate before the second reading;
/// a counter that goes down was reset (the server restarted), so the new value itself is the
/// increase since the restart (as Prometheus' `rate()` assumes); and a long gap between
/// readings gives an average that must not be drawn as if it were a one-second rate.
public struct CounterRate: Sendable, Hashable {
    /// Queries per second, or `nil` when no rate can be computed.
    public var perSecond: Double?
    /// The counter went down between the readings.
    public var wasReset: Bool
    /// The readings are further apart than the allowed gap; `perSecond` is an average over it.
    public var spansGap: Bool

    public init(perSecond: Double?, wasReset: Bool = false, spansGap: Bool = false) {
        self.perSecond = perSecond
        self.wasReset = wasReset
        self.spansGap = spansGap
    }

    /// The rate from `previous` to `current`; `maxGap` is the longest interval that still
    /// counts as consecutive readings.
    public static func between(
        _ previous: CounterSample?, _ current: CounterSample, maxGap: TimeInterval
    ) -> CounterRate {
        guard let previous else { return CounterRate(perSecond: nil) }
        let seconds = current.time.timeIntervalSince(previous.time)
        guard seconds > 0 else { return CounterRate(perSecond: nil) }
        let gap = seconds > maxGap
        if current.value < previous.value {
            return CounterRate(perSecond: Double(current.value) / seconds, wasReset: true, spansGap: gap)
        }
        return CounterRate(perSecond: Double(current.value - previous.value) / seconds, spansGap: gap)
    }
}
