import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// The header during outages says what the rows say.
@Suite struct HeaderBarTests {
    static func header(_ fleet: FleetSnapshot, width: Int = 200) -> String {
        let state = FixtureFleet.state(width: width, height: 40, snapshot: fleet)
        return String(DashboardView.render(state).text.split(separator: "\n")[0])
    }

    static func allUnreachable() -> FleetSnapshot {
        var fleet = FixtureFleet.snapshot()
        for i in fleet.sites.indices {
            fleet.sites[i].reachability = .unreachable
            fleet.sites[i].lastError = "connection refused"
            fleet.sites[i].qps = nil
        }
        return fleet
    }

    @Test func withEveryAgentDownThePollIsNotOkAndThereIsNoTotal() {
        let header = Self.header(Self.allUnreachable())
        #expect(header.contains("no agent answers"), "\(header)")
        #expect(!header.contains("poll ok"))
        #expect(header.contains("│ - qps"), "no total when no rate is known, as the rows show -: \(header)")
    }

    @Test func someAgentsDownAreCountedBesideThePollTime() {
        let header = Self.header(FixtureFleet.snapshot())
        #expect(header.contains("poll 21 ms, 1 failing"), "\(header)")
    }

    @Test func theOtherStatusesAreNamed() {
        var fleet = FixtureFleet.snapshot()
        fleet.sites[0].status!.services[0].observed = .unknown
        fleet.sites[1].reachability = .stale
        let header = Self.header(fleet, width: 250)
        #expect(header.contains("1 unknown") && header.contains("1 stale"), "\(header)")
        #expect(!header.contains("other"), "\(header)")
        // Only when the line is short do they become a count.
        let short = Self.header(fleet, width: 80)
        #expect(short.contains("active"), "\(short)")
    }

    /// A poller whose cycles stopped arriving is not "ok": its last snapshot would say so
    /// over data that only grows older.
    @Test func aPollerWhoseCyclesStoppedSaysStalled() throws {
        var fleet = FixtureFleet.snapshot()
        fleet.sites[fleet.sites.firstIndex { $0.reachability != .ok }!].reachability = .ok
        fleet.pollHealth.intervalSeconds = 1
        var state = FixtureFleet.state(width: 200, snapshot: fleet)
        state.now = fleet.takenAt.addingTimeInterval(2)
        var header = String(DashboardView.render(state).text.split(separator: "\n")[0])
        #expect(header.contains("poll ok 21 ms"), "a cycle 2 s ago, at 1 s: running (\(header))")

        state.now = fleet.takenAt.addingTimeInterval(93)
        let grid = DashboardView.render(state)
        header = String(grid.text.split(separator: "\n")[0])
        #expect(header.contains("poll stalled 93s"), "\(header)")
        #expect(!header.contains("poll ok"))
        let x = try #require(header.range(of: "stalled").map { header.distance(from: header.startIndex, to: $0.lowerBound) })
        #expect(grid[x, 0].role == .critical)
    }
}
