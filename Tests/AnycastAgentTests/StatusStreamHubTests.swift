@testable import AnycastAgent
import Testing

/// The agent's register of open status streams: its limit, its wake-ups and its heartbeat.
@Suite struct StatusStreamHubTests {
    @Test func streamsOverTheLimitAreRefusedUntilOneCloses() async throws {
        let hub = StatusStreamHub(limit: 2, heartbeat: .seconds(60))
        var first = hub.subscribe()
        #expect(first != nil)
        let second = try #require(hub.subscribe())
        #expect(hub.subscribe() == nil, "a third stream is refused")
        #expect(hub.count == 2)
        first = nil  // the answer ended: its subscription goes with it
        #expect(first == nil)
        #expect(hub.count == 1)
        #expect(hub.subscribe() != nil, "room again")
        _ = second
    }

    @Test func notifyWakesEveryStreamAndFinishEndsThem() async throws {
        let hub = StatusStreamHub(limit: 8, heartbeat: .seconds(60))
        let a = try #require(hub.subscribe())
        let b = try #require(hub.subscribe())
        hub.notify()
        hub.notify()  // wake-ups do not pile up: one pending is enough
        var ia = a.makeAsyncIterator()
        var ib = b.makeAsyncIterator()
        #expect(await ia.next() != nil)
        #expect(await ib.next() != nil)
        hub.finishAll()
        #expect(await ia.next() == nil, "a finished stream ends (no second wake-up was kept)")
        #expect(await ib.next() == nil)
        #expect(hub.count == 0)
    }

    @Test func theHeartbeatWakesStreamsWhenNothingElseDoes() async throws {
        let hub = StatusStreamHub(limit: 8, heartbeat: .milliseconds(100))
        let stream = try #require(hub.subscribe())
        let clock = ContinuousClock()
        let started = clock.now
        var it = stream.makeAsyncIterator()
        #expect(await it.next() != nil)
        #expect(await it.next() != nil)
        let elapsed = clock.now - started
        #expect(elapsed >= .milliseconds(150), "two heartbeats, about 100 ms apart: \(elapsed)")
        hub.finishAll()
    }
}
