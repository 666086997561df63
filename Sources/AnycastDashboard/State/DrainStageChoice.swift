import AnycastCore

/// How a drain of a service with a de-prefer step goes, as chosen in the drain dialog.
public enum DrainStageChoice: Sendable, Hashable, CaseIterable {
    /// De-prefer, then withdraw once the traffic has left (the agent decides when).
    case staged
    /// De-prefer and stay there until told to withdraw (`w`).
    case hold
    /// Withdraw at once, skipping the de-prefer step.
    case now

    /// The `stage` the drain request carries.
    public var requested: DrainStage? {
        switch self {
        case .staged: nil
        case .hold: .deprefer
        case .now: .withdraw
        }
    }

    /// For the dialog.
    public var label: String {
        switch self {
        case .staged: "staged: de-prefer, withdraw once the traffic has left"
        case .hold: "hold at de-prefer (w withdraws later)"
        case .now: "withdraw now, skipping the de-prefer step"
        }
    }
}
