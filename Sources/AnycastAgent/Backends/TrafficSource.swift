import AnycastCore
import Foundation

/// Reads a site's DNS query counters. Unbound, NSD, Prometheus and the simulator implement it.
public protocol TrafficSource: Sendable {
    /// Reads the monotonic counters now.
    func sample() async throws -> TrafficSample

    /// Rates from before the agent started, oldest first, if the source has them.
    func backfill() async -> [RatePoint]
}

extension TrafficSource {
    public func backfill() async -> [RatePoint] { [] }
}
