import Foundation

/// Who drained a service, why, since when, and whether a person or the health checker did it.
public struct DrainRecord: Codable, Sendable, Hashable {
    /// Operator name (or the health check's name for automatic withdrawals).
    public var `operator`: String
    /// Free-text reason, 1–500 characters.
    public var reason: String
    /// When the drain was requested.
    public var since: Date
    /// Operator drain or automatic withdrawal.
    public var mode: DrainMode

    public init(operator: String, reason: String, since: Date, mode: DrainMode) {
        self.operator = `operator`
        self.reason = reason
        self.since = since
        self.mode = mode
    }
}
