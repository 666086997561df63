import AnycastCore
@testable import AnycastPoller
import AnycastSimulatedFleet
import Foundation
import Testing

/// How a site's record takes an update: a whole status replaces the one held; an update with
/// only figures changes the figures of the status held, in place, to what the copy it replaced
/// gave (`StatusUpdate.applied(to:)`).
@Suite struct FollowedSiteTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func anUpdateWithOnlyFiguresChangesTheFiguresOfTheStatusHeld() async throws {
        let fleet = SimulatedFleet(siteCount: 1, seed: 5)
        await fleet.start()
        let agent = fleet.agents[0]
        var site = CyclePlanTests.site("s1")

        let first = await agent.statusUpdate(known: nil, historyAfter: nil, historyPoints: 5)
        #expect(first.status != nil, "a poller without the revision is sent the whole status")
        let tookFirst = site.received(first, revision: first.revision, at: Self.t0, wholeHistory: true, pollInterval: .seconds(1))
        #expect(tookFirst)
        let held = try #require(site.snapshot.status)
        #expect(held == first.applied(to: nil))

        for second in 1...3 { await fleet.tick(to: Date().addingTimeInterval(Double(second))) }
        let next = await agent.statusUpdate(known: first.revision, historyAfter: site.snapshot.history.latest?.t)
        #expect(next.status == nil, "a poller holding the revision is sent the figures only")
        #expect(!next.history.isEmpty)
        let later = Self.t0.addingTimeInterval(3)
        let tookNext = site.received(next, revision: next.revision, at: later, wholeHistory: false, pollInterval: .seconds(1))
        #expect(tookNext)

        #expect(site.snapshot.status == next.applied(to: held), "in place, the same as the copy it replaced")
        #expect(site.snapshot.status?.services == held.services && site.snapshot.status?.peers == held.peers)
        #expect(site.snapshot.status?.traffic.qps == next.qps && site.snapshot.status?.latency == next.latency)
        #expect(site.snapshot.status?.agent.now == next.now)
        #expect(site.snapshot.qps == next.qps)
        #expect(site.snapshot.history.latest == next.history.last, "the new points joined the history")
        #expect(site.snapshot.lastSuccess == later && site.snapshot.reachability == .ok)
        #expect(site.revision == next.revision)
    }

    @Test func anUpdateWithOnlyFiguresForNoStatusHeldIsRefused() async {
        let fleet = SimulatedFleet(siteCount: 1, seed: 5)
        await fleet.start()
        let whole = await fleet.agents[0].statusUpdate(known: nil, historyAfter: nil, historyPoints: 5)
        var figures = whole
        figures.status = nil
        var site = CyclePlanTests.site("s1")
        let took = site.received(figures, revision: figures.revision, at: Self.t0, wholeHistory: false, pollInterval: .seconds(1))
        #expect(!took)
        #expect(site.snapshot.status == nil && site.snapshot.lastSuccess == nil && site.snapshot.reachability == .pending)
        #expect(site.snapshot.history.latest == nil && site.revision == nil)
    }
}
