import NIOCore
import Synchronization

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
        // What the cancellation handler finds: nothing yet, the timer, or that it came first.
        let timer = Mutex<TimerState>(.notYet)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
                let scheduled = eventLoop.scheduleTask(in: TimeAmount(delay)) {}
                // The future completes exactly once: fired, or failed by `cancel()`.
                scheduled.futureResult.whenComplete { result in
                    switch result {
                    case .success: done.resume()
                    case .failure: done.resume(throwing: CancellationError())
                    }
                }
                let cancelledFirst = timer.withLock { state in
                    if case .cancelled = state { return true }
                    state = .scheduled(scheduled)
                    return false
                }
                if cancelledFirst { scheduled.cancel() }
            }
        } onCancel: {
            let scheduled: Scheduled<Void>? = timer.withLock { state in
                defer { state = .cancelled }
                if case .scheduled(let s) = state { return s }
                return nil
            }
            scheduled?.cancel()
        }
    }

    private enum TimerState: Sendable {
        case notYet
        case scheduled(Scheduled<Void>)
        case cancelled
    }
}
