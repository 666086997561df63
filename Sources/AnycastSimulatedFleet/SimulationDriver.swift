import AnycastCore
import Foundation
import ServiceLifecycle

/// Runs a simulated fleet in real time: once a second it advances the simulation to the wall
/// clock and lets every agent read its backends. Ends on graceful shutdown.
///
/// The seconds are fixed deadlines, as a real agent's refresh is (`AgentRefreshService`): a
/// sleep of a second after each tick put the fleet's lines later by the tick's own length
/// every second (about 25 ms for 100 agents), which a real fleet does not do, and a dashboard
/// reading them chased them.
public struct SimulationDriver: Service {
    let fleet: SimulatedFleet
    let interval: Duration
    /// Told once every agent has started (read its backends once).
    let onStarted: @Sendable () async -> Void

    public init(fleet: SimulatedFleet, interval: Duration = .seconds(1), onStarted: @escaping @Sendable () async -> Void = {}) {
        self.fleet = fleet
        self.interval = interval
        self.onStarted = onStarted
    }

    public func run() async throws {
        await fleet.start()
        await onStarted()
        try await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            var next = clock.now
            while !Task.isCancelled {
                next = FixedTicks.next(after: next, interval: interval, now: clock.now)
                try await clock.sleep(until: next, tolerance: nil)
                await fleet.tick(to: Date())
            }
        }
    }
}
