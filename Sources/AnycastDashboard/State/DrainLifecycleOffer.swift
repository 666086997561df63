import AnycastCore
import Foundation

/// What the drain dialog may offer for a set of sites: a lease and a ticket when every agent
/// keeps them, the agents' lease rules, and the ways to drain when a service de-prefers first.
public struct DrainLifecycleOffer: Sendable, Hashable {
    /// Every target's agent keeps leases, tickets and staged drains.
    public var supported: Bool
    /// Some agent refuses a drain without a lease.
    public var requireLease: Bool
    /// The smallest of the agents' `max_lease`, in seconds.
    public var maxLease: TimeInterval?
    /// The choices for a service with a de-prefer step; empty when there is nothing to choose.
    public var stages: [DrainStageChoice]
    /// The first target service's de-prefer step, to say when a staged drain withdraws.
    public var deprefer: DepreferSummary?

    public init(supported: Bool, requireLease: Bool = false, maxLease: TimeInterval? = nil, stages: [DrainStageChoice] = [], deprefer: DepreferSummary? = nil) {
        self.supported = supported
        self.requireLease = requireLease
        self.maxLease = maxLease
        self.stages = stages
        self.deprefer = deprefer
    }

    /// Nothing beyond a reason: an undrain, or an agent too old for leases.
    public static let none = DrainLifecycleOffer(supported: false)

    /// The offer for draining `service` (nil: every service) at `sites`.
    public init(sites: [SiteSnapshot], service: String?) {
        let agents = sites.map { $0.status?.agent }
        supported = !sites.isEmpty && agents.allSatisfy { $0?.drainLifecycle == true }
        requireLease = supported && agents.contains { $0?.requireLease == true }
        maxLease = supported ? agents.compactMap { $0?.maxLease }.min() : nil
        // Only services that will be drained by this request: those still announced.
        let relevant = sites.flatMap { $0.status?.services ?? [] }.filter { (service == nil || $0.name == service) && $0.desired == .announce }
        let staged = relevant.filter { $0.deprefer != nil }
        deprefer = staged.first?.deprefer
        if !supported || staged.isEmpty {
            stages = []
        } else if staged.count == relevant.count {
            stages = [.staged, .hold, .now]
        } else {
            // Holding needs a de-prefer step on every service drained: the agent refuses it otherwise.
            stages = [.staged, .now]
        }
    }
}
