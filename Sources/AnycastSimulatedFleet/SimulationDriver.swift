import Foundation
import ServiceLifecycle

/// Runs a simulated fleet in real time: once a second it advances the simulation to the wall
/// clock and lets every agent read its backends. Ends on graceful shutdown.
public struct SimulationDriver: Service {
    let fleet: SimulatedFleet
    let interval: Duration

    public init(fleet: SimulatedFleet, interval: Duration = .seconds(1)) {
        self.fleet = fleet
        self.interval = interval
    }

    public func run() async throws {
        await fleet.start()
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await fleet.tick(to: Date())
            }
        }
    }
}
