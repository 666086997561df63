import Synchronization

/// When the dashboard's clock last moved (a poll cycle arrived, or a tick), so the clock tick
/// fills gaps only.
final class PollHeartbeat: Sendable {
    private let last = Mutex(ContinuousClock.now)

    /// The clock moved now.
    func beat() { last.withLock { $0 = .now } }

    /// Time since the clock last moved.
    var sinceLastBeat: Duration { ContinuousClock.now - last.withLock { $0 } }
}
