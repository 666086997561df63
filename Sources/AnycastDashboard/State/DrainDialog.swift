import AnycastCore

/// The drain (or undrain) dialog: impact preview, budget check, reason, typed confirmation and,
/// when the budget refuses, a separate override confirmation.
public struct DrainDialog: Sendable, Hashable {
    public enum Step: Sendable, Hashable {
        /// Typing the reason.
        case reason
        /// Typing the confirmation (the site id, or the number of sites for a set).
        case confirm
        /// The budget refused: typing `override` to drain anyway.
        case override
    }

    public var kind: DrainCommand.Kind
    public var siteIDs: [String]
    public var service: String?
    public var step: Step = .reason
    public var reason = ""
    public var confirmation = ""
    public var overrideText = ""
    public var verdict: BudgetVerdict
    public var impact: DrainImpact
    /// A problem with what was typed, shown in the dialog.
    public var error: String?

    public init(kind: DrainCommand.Kind, siteIDs: [String], service: String?, verdict: BudgetVerdict, impact: DrainImpact) {
        self.kind = kind
        self.siteIDs = siteIDs
        self.service = service
        self.verdict = verdict
        self.impact = impact
    }

    /// What the operator must type to confirm: the site id, or the number of sites.
    public var expectedConfirmation: String { siteIDs.count == 1 ? siteIDs[0] : "\(siteIDs.count)" }

    /// The word that confirms a budget override.
    public static let overrideWord = "override"
}
