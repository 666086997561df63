import Foundation
import ServiceLifecycle

/// Runs a simulated fleet in real time: once a second it advances the simulation to the wall
/// clock and lets every agent read its backends. Ends on graceful shutdown.
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
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await fleet.tick(to: Date())
            }
        }
    }
}
