import Foundation

/// One health check of a site, as the agent last ran it.
public struct HealthCheckStatus: Codable, Sendable, Hashable {
    /// Check name, e.g. `dns-probe`.
    public var name: String
    /// The check's state after the rise/fall state machine.
    public var state: HealthState
    /// Short text: the last result or error.
    public var detail: String
    /// When the check entered its current state.
    public var since: Date?

    public init(name: String, state: HealthState, detail: String, since: Date? = nil) {
        self.name = name
        self.state = state
        self.detail = detail
        self.since = since
    }
}
