/// Whether the dashboard may change anything.
public enum DashboardMode: String, Sendable, Hashable {
    /// Drain and undrain allowed (behind confirmation and the budget).
    case live
    /// Read-only: for wallboards and watchers. Only read tokens are sent.
    case monitor

    /// The header badge.
    public var badge: String { self == .live ? "LIVE" : "MONITOR" }
}
