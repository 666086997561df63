import AnycastPoller
import NIOPosix
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

    @Test(.timeLimit(.minutes(1))) func aCancelledSleepEndsWithCancellationError() async {
        let sleeper = Task { try await Self.clock.sleep(for: .seconds(3600)) }
        try? await Task.sleep(for: .milliseconds(20))  // most likely asleep by now; either way it must end
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test(.timeLimit(.minutes(1))) func aTaskCancelledBeforeItSleepsDoesNotSleep() async {
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await Self.clock.sleep(for: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }
}
