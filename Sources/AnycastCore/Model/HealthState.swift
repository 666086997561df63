/// Result of a service's health checks after the rise/fall state machine.
public enum HealthState: String, Codable, Sendable, CaseIterable {
    case up
    case down
    case unknown
}
