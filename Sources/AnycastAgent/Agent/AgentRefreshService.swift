import AnycastCore
import Foundation
import ServiceLifecycle

/// Starts a site agent (loads its desired state, reads its backends, reconciles) and then runs
/// one of its periodic jobs once a second until graceful shutdown: the refresh (read the
/// daemons) or, apart from it, the coordination round (so a store that does not answer slows
/// only those rounds). Stopping leaves routes as they are.
public struct AgentRefreshService: Service {
    /// What the service runs each interval.
    public enum Job: Sendable {
        /// Read every backend, move drains on, reconcile.
        case refresh
        /// Renew the site's record in the coordination store and ask again for held withdrawals.
        case coordinate
    }

    let agent: SiteAgent
    let interval: Duration
    let job: Job

    public init(agent: SiteAgent, interval: Duration = .seconds(1), job: Job = .refresh) {
        self.agent = agent
        self.interval = interval
        self.job = job
    }

    public func run() async throws {
        await agent.start()
        let clock = agent.clock
        try await cancelWhenGracefulShutdown {
            var next = clock.now
            while !Task.isCancelled {
                // A job slower than the interval (a hung daemon) skips ticks rather than bunching them.
                next = FixedTicks.next(after: next, interval: interval, now: clock.now)
                try await clock.sleep(until: next, tolerance: nil)
                switch job {
                case .refresh: await agent.refresh()
                case .coordinate: await agent.coordinate()
                }
            }
        }
    }
}
