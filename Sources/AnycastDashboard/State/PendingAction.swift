import Foundation

/// A drain or undrain this dashboard sent, followed until the traffic proves it worked.
public struct PendingAction: Sendable, Hashable {
    public enum Phase: Sendable, Hashable {
        /// Sent; the agent has not answered yet.
        case sending
        /// The agent accepted; waiting for the routes to be withdrawn (or announced).
        case waitingForRoutes
        /// Routes changed; waiting for the traffic to follow.
        case verifyingTraffic(since: Date)
        /// The traffic followed.
        case verified(at: Date)
        /// The traffic did not follow within the deadline.
        case notEffective
        /// The agent refused or could not be reached.
        case failed(String)
    }

    public var kind: DrainCommand.Kind
    public var siteID: String
    public var startedAt: Date
    /// The site's rate before the drain (mean of the last 10 s).
    public var baselineQPS: Double?
    public var phase: Phase

    public init(kind: DrainCommand.Kind, siteID: String, startedAt: Date, baselineQPS: Double?, phase: Phase) {
        self.kind = kind
        self.siteID = siteID
        self.startedAt = startedAt
        self.baselineQPS = baselineQPS
        self.phase = phase
    }

    /// Short text for a panel: `verifying`, `verified`, `NOT EFFECTIVE`, ...
    public var label: String {
        switch phase {
        case .sending: "sending"
        case .waitingForRoutes: kind == .drain ? "withdrawing" : "announcing"
        case .verifyingTraffic: "verifying traffic"
        case .verified: "verified"
        case .notEffective: kind == .drain ? "drain not effective" : "undrain not effective"
        case .failed(let why): "failed: \(why)"
        }
    }
}
