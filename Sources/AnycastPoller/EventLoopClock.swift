import NIOCore

/// The continuous clock, with its sleeps timed by an event loop's timer rather than by the
/// concurrency runtime's. A dashboard that runs on one event loop then wakes once for a
/// timer, on its own thread; a runtime sleep is a timer on another thread that hands the
/// task back, two thread switches a sleep, several a second at idle.
public struct EventLoopClock: Clock {
    public typealias Instant = ContinuousClock.Instant
    public typealias Duration = Swift.Duration

    public let eventLoop: any EventLoop

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public var now: Instant { ContinuousClock.now }
    public var minimumResolution: Duration { ContinuousClock().minimumResolution }

    /// Returns at `deadline`, or throws `CancellationError` as soon as the task is cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let delay = now.duration(to: deadline)
        guard delay > .zero else { return }
        let timer = eventLoop.scheduleTask(in: TimeAmount(delay)) {}
        // A task cancelled before this point has its handler run at once: the timer exists
        // by then, so no cancellation is missed.
        try await withTaskCancellationHandler {
            do { try await timer.futureResult.get() } catch { throw CancellationError() }
        } onCancel: {
            timer.cancel()
        }
    }
}
