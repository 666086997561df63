import ServiceLifecycle

/// Runs a site agent's coordination rounds (renew the record, write it when it changed, ask again
/// for held withdrawals) once a second, beside the refreshes and apart from them: a store that
/// does not answer slows only these rounds, never the reading of the daemons.
public struct CoordinationService: Service {
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
                await agent.coordinate()
                next = next.advanced(by: interval)
                if next < clock.now { next = clock.now }
                try await clock.sleep(until: next, tolerance: nil)
            }
        }
    }
}
