import Foundation

/// One reading of a traffic source's counters.
public struct TrafficSample: Sendable, Hashable {
    /// Total queries answered since the DNS server started.
    public var queriesTotal: UInt64
    /// Answers by rcode name since the DNS server started.
    public var rcodes: [String: UInt64]
    /// When the counters were read.
    public var time: Date
    /// Answer latency from the server's own figures (e.g. Unbound's histogram over the last
    /// interval), when it has them; the agent shows it when no probe is configured.
    public var latency: LatencyStatus?

    public init(queriesTotal: UInt64, rcodes: [String: UInt64] = [:], time: Date, latency: LatencyStatus? = nil) {
        self.queriesTotal = queriesTotal
        self.rcodes = rcodes
        self.time = time
        self.latency = latency
    }
}
