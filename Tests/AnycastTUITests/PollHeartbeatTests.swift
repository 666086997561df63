@testable import AnycastTUI
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

/// The clock's tick fills the gaps between poll cycles only, on the event loop's timer.
@Suite struct PollHeartbeatTests {
    final class Count: Sendable {
        let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var now: Int { value.withLock { $0 } }
    }

    @Test func beatsOnTimeLeaveNoGapToFill() {
        let loop = EmbeddedEventLoop()
        let ticks = Count()
        let heartbeat = PollHeartbeat(loop: loop, gap: .milliseconds(1100)) { ticks.add() }
        heartbeat.beat()
        for _ in 0..<10 {
            loop.advanceTime(by: .seconds(1))
            heartbeat.beat()  // a cycle every second
        }
        // Had a beat not cancelled the timer before it, that one would have fired by now.
        #expect(ticks.now == 0)
        loop.advanceTime(by: .milliseconds(1100))
        #expect(ticks.now == 1, "one timer waited: the last beat's")
    }

    @Test func aGapIsFilledAfterItsLengthAndEveryLengthAfter() {
        let loop = EmbeddedEventLoop()
        let ticks = Count()
        let heartbeat = PollHeartbeat(loop: loop, gap: .milliseconds(1100)) { ticks.add() }
        heartbeat.beat()
        loop.advanceTime(by: .milliseconds(1099))
        #expect(ticks.now == 0)
        loop.advanceTime(by: .milliseconds(1))
        #expect(ticks.now == 1)
        loop.advanceTime(by: .milliseconds(2200))
        #expect(ticks.now == 3, "while no cycle comes, every 1.1 s")
        heartbeat.beat()
        loop.advanceTime(by: .milliseconds(1000))
        #expect(ticks.now == 3, "a cycle pushes the next tick back")
        heartbeat.stop()
        loop.advanceTime(by: .seconds(10))
        #expect(ticks.now == 3, "stopped")
        heartbeat.beat()  // a cycle, or a tick under way, after the stop
        loop.advanceTime(by: .seconds(10))
        #expect(ticks.now == 3, "stopped for good")
    }
}
