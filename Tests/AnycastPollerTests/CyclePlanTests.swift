import AnycastCore
@testable import AnycastPoller
import AnycastSimulatedFleet
import Clocks
import Foundation
import Testing

/// A cycle's plan is a pure function of the sites' records and the time: which sites are
/// streamed, polled, owed their history, or backing off. No sockets.
@Suite struct CyclePlanTests {
    static let clock = TestClock<Duration>()
    static let now = AnyClock(clock).now

    static func site(_ id: String, url: String? = nil, streaming: Bool = true) -> FollowedSite {
        let config = SiteConfig(id: id, name: id, region: "eu", url: url ?? "http://127.0.0.1:9\(id.count)00", token: "t")
        return FollowedSite(config: config, endpoint: AgentEndpoint(site: config), streaming: streaming, streamsTLS: false)
    }

    /// A site that has answered once, with `points` seconds of history.
    static func answered(_ id: String, points: Int, historyLoaded: Bool, streaming: Bool = true) async -> FollowedSite {
        var s = site(id, streaming: streaming)
        var status = await SimulatedFleet(siteCount: 1, seed: 3).agents[0].status()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        status.traffic.history = (0..<points).map { RatePoint(t: start.addingTimeInterval(Double($0)), qps: 100) }
        s.received(status, revision: "r7", at: start, wholeHistory: historyLoaded, pollInterval: .seconds(1))
        s.historyLoaded = historyLoaded
        return s
    }

    @Test func firstContactsOpenStreamsForTheWholeWindowWithinTheBudgetAndArePolledIfRefused() {
        let sites = (1...5).map { Self.site("s\($0)") }
        let plan = CyclePlan.make(for: sites, at: Self.now, force: false, historyLoadsPerCycle: 2)
        #expect(plan.streams.map(\.index) == [0, 1, 2, 3, 4])
        #expect(plan.streams.map(\.path) == Array(repeating: "/v1/status/stream?history=900", count: 2)
            + Array(repeating: "/v1/status/stream?history=1", count: 3), "two whole windows a cycle, the rest their newest point")
        #expect(plan.streams.map(\.wholeHistory) == [true, true, false, false, false])
        #expect(plan.polls.isEmpty, "nothing is polled while streams can serve")
        #expect(Set(plan.fallbacks.keys) == [0, 1, 2, 3, 4], "each first contact may turn out to have no streams")
        #expect(plan.fallbacks.values.allSatisfy { $0.keepAlive && $0.wholeHistory && $0.after == nil })
        #expect(plan.backingOff.isEmpty)
    }

    @Test func aStreamedSiteAlreadyShowingGetsItsHistoryByOnePollBesideItsStream() async throws {
        let site = await Self.answered("ams1", points: 1, historyLoaded: false)
        let plan = CyclePlan.make(for: [site], at: Self.now, force: false, historyLoadsPerCycle: 5)
        let stream = try #require(plan.streams.first)
        #expect(stream.path == "/v1/status/stream?history_after=1800000000.000", "the stream carries on from the newest point")
        #expect(!stream.wholeHistory)
        #expect(plan.polls == [PollJob(index: 0, site: site.snapshot.config, endpoint: site.endpoint, known: "r7", after: nil,
                                       points: 900, wholeHistory: true, keepAlive: false)],
                "one whole-window poll that does not keep its connection")
        #expect(plan.fallbacks.isEmpty, "it has answered: not a first contact")
    }

    @Test func aPolledSiteIsAskedForWhatIsNewerThanItsNewestPoint() async {
        let site = await Self.answered("ams1", points: 3, historyLoaded: true, streaming: false)
        let plan = CyclePlan.make(for: [site], at: Self.now, force: false, historyLoadsPerCycle: 5)
        #expect(plan.streams.isEmpty)
        #expect(plan.polls == [PollJob(index: 0, site: site.snapshot.config, endpoint: site.endpoint, known: "r7",
                                       after: Date(timeIntervalSince1970: 1_800_000_002), points: 0, wholeHistory: false, keepAlive: true)])
    }

    @Test func anUnusableURLIsPolledSoItsErrorIsShown() {
        let plan = CyclePlan.make(for: [Self.site("bad", url: "ftp://nowhere")], at: Self.now, force: false, historyLoadsPerCycle: 5)
        #expect(plan.streams.isEmpty)
        #expect(plan.polls.map(\.index) == [0] && plan.polls[0].endpoint == nil)
    }

    @Test func anUnreachableSiteBacksOffUntilItsTimeUnlessForced() {
        var site = Self.site("dead")
        for _ in 0..<3 {
            site.failed(.connection("connection refused"), at: Date(), instant: Self.now, unreachableAfter: 3,
                        pollInterval: .seconds(1), maxBackoff: .seconds(30))
        }
        #expect(site.snapshot.reachability == .unreachable)
        let at = { (ms: Int64) in Self.now.advanced(by: .milliseconds(ms)) }
        #expect(CyclePlan.make(for: [site], at: at(1999), force: false, historyLoadsPerCycle: 5).backingOff == [0], "2 s after the third failure")
        #expect(CyclePlan.make(for: [site], at: at(1999), force: true, historyLoadsPerCycle: 5).streams.map(\.index) == [0], "\"poll now\"")
        #expect(CyclePlan.make(for: [site], at: at(2000), force: false, historyLoadsPerCycle: 5).streams.map(\.index) == [0])
    }

    @Test func theBackOffDoublesFromTheIntervalUpToItsCap() {
        var site = Self.site("dead")
        var waits: [Duration] = []
        for _ in 0..<9 {
            site.failed(.connection("connection refused"), at: Date(), instant: Self.now, unreachableAfter: 3,
                        pollInterval: .seconds(1), maxBackoff: .seconds(30))
            waits.append(site.nextAttempt.map { Self.now.duration(to: $0) } ?? .zero)
        }
        #expect(waits == [.zero, .zero, .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30), .seconds(30)])
        #expect(site.snapshot.reachability == .unreachable && site.snapshot.qps == nil)
    }
}
