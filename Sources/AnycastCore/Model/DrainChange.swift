/// Which step of a drain's life an event records, beside its kind (`drain`, `undrain`,
/// `auto_withdraw`): dashboards that do not know this field still read the kind.
public enum DrainChange: String, Codable, Sendable, CaseIterable {
    /// The route was made less preferred, still announced.
    case deprefer
    /// A staged drain moved on from de-prefer to withdraw.
    case withdraw
    /// The drain was told to stay at the de-prefer step.
    case hold
    /// The drain's lease ended and the agent undrained (or left it withdrawn, health down).
    case leaseExpired = "lease_expired"
    /// The drain's lease was extended.
    case leaseExtended = "lease_extended"
}
