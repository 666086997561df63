import AnycastCore

/// A probe check that failed: what went wrong, and the window including this failure, so the
/// caller can count the failed check and still show the latency it has.
public struct ProbeFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line for operators, e.g. `answered REFUSED, expected NOERROR`.
    public let message: String
    /// The probe's window after recording this failure.
    public let latency: LatencyStatus

    public init(message: String, latency: LatencyStatus) {
        self.message = message
        self.latency = latency
    }

    public var description: String { message }
}
