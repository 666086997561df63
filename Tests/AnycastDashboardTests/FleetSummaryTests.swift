import AnycastCore
@testable import AnycastDashboard
import Foundation
import Testing

/// The header's figures follow the fleet from cycle to cycle: every site's rate and latency
/// each time, the rest only where the poller says a site changed.
@Suite struct FleetSummaryTests {
    /// The next cycle's snapshot of `base`: every rate moved, and `change` applied.
    static func nextCycle(of base: FleetSnapshot, cycles: Int = 1, _ change: (inout FleetSnapshot) -> Void = { _ in }) -> FleetSnapshot {
        var next = base
        next.pollHealth.cycles = base.pollHealth.cycles + cycles
        for i in next.sites.indices {
            if let q = next.sites[i].qps { next.sites[i].qps = q * 1.5 + Double(i) }
            if let p = next.sites[i].status?.latency.p50Ms { next.sites[i].status!.latency.p50Ms = p + Double(i % 3) }
        }
        next.changedSites = []
        change(&next)
        return next
    }

    /// A site's regions figures as plain values, to compare (tuples in a dictionary are not Equatable).
    static func regions(_ summary: FleetSummary) -> [String: [Double]] {
        summary.regions.mapValues { [Double($0.sites), $0.qps] }
    }

    @Test func followingCyclesGiveTheFiguresOfAWholeCount() {
        var state = FixtureFleet.state()
        let base = state.fleet!
        let lhr = base.sites.firstIndex { $0.config.id == "lhr1" }!
        let ams = base.sites.firstIndex { $0.config.id == "ams1" }!
        let fra = base.sites.firstIndex { $0.config.id == "fra1" }!
        let next = Self.nextCycle(of: base) { next in
            next.sites[lhr].status!.services[0].desired = .drain
            next.sites[lhr].status!.services[0].drain = DrainRecord(
                operator: "carol", reason: "maintenance", since: FixtureFleet.now, mode: .operator,
                leaseUntil: FixtureFleet.now.addingTimeInterval(600))
            next.sites[ams].reachability = .unreachable
            next.sites[ams].qps = nil
            next.sites[fra].status!.services[0].withdrawHeld = HeldWithdrawal(requester: "health", reason: "budget", since: FixtureFleet.now)
            next.changedSites = [lhr, ams, fra]
        }
        _ = DashboardUpdate.update(&state, .fleet(next))
        let whole = FleetSummary(next)
        #expect(state.summary == whole)
        #expect(Self.regions(state.summary) == Self.regions(whole))
        #expect(state.summary.leaseEnds == [FixtureFleet.now.addingTimeInterval(600)])
        #expect(state.summary.withdrawalsHeld == 1)
        #expect(state.summary.unreachable == FleetSummary(base).unreachable + 1)
        #expect(state.summary.totalQPS != FleetSummary(base).totalQPS, "every rate is read each cycle")
    }

    @Test func onlyTheSitesThePollerNamesAreReadAgainWhole() {
        var state = FixtureFleet.state()
        let base = state.fleet!
        let before = state.summary
        let lhr = base.sites.firstIndex { $0.config.id == "lhr1" }!
        // lhr1 drains, but the poller does not name it: its condition is not read again.
        let unnamed = Self.nextCycle(of: base) { next in
            next.sites[lhr].status!.services[0].desired = .drain
            next.sites[lhr].status!.services[0].drain = DrainRecord(operator: "carol", reason: "x", since: FixtureFleet.now, mode: .operator)
        }
        _ = DashboardUpdate.update(&state, .fleet(unnamed))
        #expect(state.summary.active == before.active)
        #expect(state.summary.drained == before.drained)
        #expect(state.summary.totalQPS == FleetSummary(unnamed).totalQPS)

        // The same snapshot two cycles on (one was missed): every site is read whole.
        var later = unnamed
        later.pollHealth.cycles += 2
        _ = DashboardUpdate.update(&state, .fleet(later))
        #expect(state.summary == FleetSummary(later))
        #expect(state.summary.active == before.active - 1)

        // Sites in another order: read whole, and each region's figures stay its own.
        var moved = Self.nextCycle(of: later)
        moved.sites.reverse()
        _ = DashboardUpdate.update(&state, .fleet(moved))
        #expect(state.summary == FleetSummary(moved))
        #expect(Self.regions(state.summary) == Self.regions(FleetSummary(moved)))
    }
}
