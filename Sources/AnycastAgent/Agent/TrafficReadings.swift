import AnycastCore
import Foundation

/// What the traffic source's readings add up to: the last sample, the query rate and answers
/// per second by rcode between the last two, and the rate history. Fed one reading (or one
/// failed reading) at a time.
struct TrafficReadings: Sendable {
    /// Longest gap between two samples that still gives a rate.
    static let maxGap: TimeInterval = 3

    private(set) var lastSample: TrafficSample?
    private(set) var qps: Double?
    private(set) var history = RateHistory()
    private(set) var rcodeRates: [String: Double] = [:]
    /// Latency from the source's own figures (e.g. Unbound's histogram), shown without a probe.
    private(set) var serverLatency: LatencyStatus?

    /// Rates from before the agent started.
    mutating func backfill(_ points: [RatePoint]) {
        history.merge(points)
    }

    mutating func record(_ sample: TrafficSample) {
        rcodeRates = [:]
        if let previous = lastSample {
            let seconds = sample.time.timeIntervalSince(previous.time)
            if seconds > 0, seconds <= Self.maxGap {
                for (name, total) in sample.rcodes {
                    if let before = previous.rcodes[name], total >= before { rcodeRates[name] = Double(total - before) / seconds }
                }
            }
            let rate = CounterRate.between(
                CounterSample(value: previous.queriesTotal, time: previous.time),
                CounterSample(value: sample.queriesTotal, time: sample.time), maxGap: Self.maxGap)
            qps = rate.perSecond
            if let r = rate.perSecond, !rate.spansGap { history.append(RatePoint(t: sample.time, qps: r)) }
        } else if let last = history.latest, sample.time.timeIntervalSince(last.t) < Self.maxGap {
            qps = last.qps  // backfilled history covers the gap until the second reading
        }
        lastSample = sample
        serverLatency = sample.latency.map { var l = $0; l.successRatio = nil; return l }
    }

    /// The mean rate over the last `seconds` of readings: steadier than one second's rate, so
    /// a staged drain is not moved on by one quiet second. Nil without a current rate.
    func meanRate(seconds: Int) -> Double? {
        guard let qps, let now = lastSample?.time else { return nil }
        let window = history.recent(seconds).filter { now.timeIntervalSince($0.t) < Double(seconds) + 0.5 }
        guard !window.isEmpty else { return qps }
        return window.reduce(0) { $0 + $1.qps } / Double(window.count)
    }

    /// The source could not be read: no rate until two readings in a row succeed again.
    mutating func lost() {
        qps = nil
        lastSample = nil
        serverLatency = nil
        rcodeRates = [:]
    }
}
