import AnycastCore

/// Measures how fast the site answers. The DNS probe and the simulator implement it.
public protocol LatencyProbe: Sendable {
    /// The latency quantiles over the probe's recent window.
    func measure() async throws -> LatencyStatus
}

/// A failed probe check that still knows the window's figures (the DNS probe's `ProbeFailure`):
/// the agent counts the failure for health and keeps showing the window.
public protocol LatencyProbeFailure: Error {
    var message: String { get }
    var latency: LatencyStatus { get }
}

extension ProbeFailure: LatencyProbeFailure {}
