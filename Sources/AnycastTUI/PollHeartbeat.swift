import Synchronization

/// When the dashboard last received a poll cycle, so the clock tick fills gaps only.
final class PollHeartbeat: Sendable {
    private let last = Mutex(ContinuousClock.now)

    /// A cycle arrived now.
    func beat() { last.withLock { $0 = .now } }

    /// Time since the last cycle arrived.
    var sinceLastBeat: Duration { ContinuousClock.now - last.withLock { $0 } }
}
