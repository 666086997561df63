import AnycastCore

/// A drain or undrain the dashboard sends to one or more agents.
public struct DrainCommand: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case drain, undrain }

    public var kind: Kind
    public var siteIDs: [String]
    /// `nil`: every service of each site.
    public var service: String?
    public var reason: String
    public var operatorName: String
    /// The operator confirmed a drain the disruption budget refused.
    public var budgetOverride: Bool
    /// Seconds until the agents undrain by themselves; nil: until someone undrains.
    public var lease: Int?
    /// The change reference shown with the drain.
    public var ticket: String?
    /// Hold at de-prefer, or withdraw now; nil: the service's own way (staged or not).
    public var stage: DrainStage?

    public init(
        kind: Kind, siteIDs: [String], service: String?, reason: String, operatorName: String, budgetOverride: Bool,
        lease: Int? = nil, ticket: String? = nil, stage: DrainStage? = nil
    ) {
        self.kind = kind
        self.siteIDs = siteIDs
        self.service = service
        self.reason = reason
        self.operatorName = operatorName
        self.budgetOverride = budgetOverride
        self.lease = lease
        self.ticket = ticket
        self.stage = stage
    }

    /// The reason sent to the agent: an override is recorded in the agent's audit log too.
    public var reasonForAgent: String {
        budgetOverride ? Self.overridePrefix + reason : reason
    }

    static let overridePrefix = "[budget override] "

    /// A drain record's reason for people: the operator's words first, and whether it was
    /// a budget override, to mark beside them (the prefix would push the words off a panel).
    public static func shownReason(_ recorded: String) -> (text: String, overridden: Bool) {
        recorded.hasPrefix(overridePrefix) ? (String(recorded.dropFirst(overridePrefix.count)), true) : (recorded, false)
    }
}

/// What came back from the agents for a command: per site, an error text or success.
public struct DrainOutcome: Sendable, Hashable {
    public var command: DrainCommand
    /// Site id → `nil` on success, else the error.
    public var errors: [String: String]

    public init(command: DrainCommand, errors: [String: String]) {
        self.command = command
        self.errors = errors
    }
}
