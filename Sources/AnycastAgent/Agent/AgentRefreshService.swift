import Foundation
import ServiceLifecycle

/// Starts a site agent (loads its desired state, reads its backends, reconciles) and then
/// refreshes it once a second until graceful shutdown. Stopping leaves routes as they are.
public struct AgentRefreshService: Service {
    let agent: SiteAgent
    let interval: Duration

    public init(agent: SiteAgent, interval: Duration = .seconds(1)) {
        self.agent = agent
        self.interval = interval
    }

    public func run() async throws {
        await agent.start()
        let clock = agent.clock
        try await cancelWhenGracefulShutdown {
            var next = clock.now
            while !Task.isCancelled {
                next = next.advanced(by: interval)
                try await clock.sleep(until: next, tolerance: nil)
                await agent.refresh()
                // A refresh slower than the interval (a hung daemon) skips ticks rather than bunching them.
                if next < clock.now { next = clock.now }
            }
        }
    }
}
