import AnycastCore

/// Measures how fast the site answers. The DNS probe and the simulator implement it.
public protocol LatencyProbe: Sendable {
    /// The latency quantiles over the probe's recent window.
    func measure() async throws -> LatencyStatus
}
