import AnycastPoller
import NIOPosix
import Synchronization
import Testing

/// The continuous clock with its sleeps on an event loop's timer: it sleeps until the
/// deadline, and a cancelled sleep ends at once with `CancellationError`.
@Suite struct EventLoopClockTests {
    static let clock = EventLoopClock(eventLoop: MultiThreadedEventLoopGroup.singleton.next())

    @Test func sleepsUntilTheDeadline() async throws {
        let start = ContinuousClock.now
        try await Self.clock.sleep(until: start.advanced(by: .milliseconds(50)))
        // The loop's timer and the continuous clock count the same time; a millisecond is
        // left for their reading it at different instants.
        #expect(start.duration(to: .now) >= .milliseconds(49))
    }

    @Test func aDeadlinePassedReturnsAtOnce() async throws {
        let start = ContinuousClock.now
        try await Self.clock.sleep(until: start.advanced(by: .seconds(-1)))
        // Not a timer of the second's length the deadline is past by.
        #expect(start.duration(to: .now) < .milliseconds(500))
    }

    @Test func aCancelledSleepEndsWithCancellationError() async {
        let sleeper = Task { try await Self.clock.sleep(for: .seconds(3600)) }
        try? await Task.sleep(for: .milliseconds(20))  // most likely asleep by now; either way it must end
        sleeper.cancel()
        #expect(await Self.outcome(of: sleeper) == .cancelled)
    }

    @Test func aTaskCancelledBeforeItSleepsDoesNotSleep() async {
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await Self.clock.sleep(for: .seconds(3600))
        }
        #expect(await Self.outcome(of: sleeper) == .cancelled)
    }

    enum Outcome { case cancelled, returned, otherError, stillAsleep }

    /// How `sleeper` ended, or that it had not within 30 s: a sleep that missed its
    /// cancellation fails the test instead of hanging the run (awaiting a task's value does
    /// not end with the waiter's cancellation, so a time limit alone would not end it).
    static func outcome(of sleeper: Task<Void, any Error>) async -> Outcome {
        let ended = Mutex<Outcome?>(nil)
        Task {
            let outcome: Outcome
            do { try await sleeper.value; outcome = .returned } catch is CancellationError { outcome = .cancelled } catch { outcome = .otherError }
            ended.withLock { $0 = outcome }
        }
        let start = ContinuousClock.now
        while start.duration(to: .now) < .seconds(30) {
            if let outcome = ended.withLock({ $0 }) { return outcome }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return .stillAsleep
    }
}
