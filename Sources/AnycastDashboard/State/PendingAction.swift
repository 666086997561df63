import AnycastCore
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
    /// The stage the drain asked for: `deprefer` is done once the route is de-preferred.
    public var stage: DrainStage?

    public init(kind: DrainCommand.Kind, siteID: String, startedAt: Date, baselineQPS: Double?, phase: Phase, stage: DrainStage? = nil) {
        self.kind = kind
        self.siteID = siteID
        self.startedAt = startedAt
        self.baselineQPS = baselineQPS
        self.phase = phase
        self.stage = stage
    }

    /// A drain that stops at the de-prefer step.
    var holdsAtDeprefer: Bool { kind == .drain && stage == .deprefer }

    /// Short text for a panel: `verifying`, `verified`, `NOT EFFECTIVE`, ...
    public var label: String {
        switch phase {
        case .sending: "sending"
        case .waitingForRoutes: kind == .undrain ? "announcing" : (holdsAtDeprefer ? "de-preferring" : "withdrawing")
        case .verifyingTraffic: "verifying traffic"
        case .verified: "verified"
        case .notEffective: kind == .undrain ? "undrain not effective" : (holdsAtDeprefer ? "de-prefer not effective" : "drain not effective")
        case .failed(let why): "failed: \(why)"
        }
    }
}
