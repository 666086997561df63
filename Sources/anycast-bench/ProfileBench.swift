import AnycastCore
import AnycastDashboard
import ArgumentParser
import Foundation

/// Where a frame's time goes, part by part (for finding hot spots).
struct ProfileBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "profile", abstract: "Time the parts of a 1000-site table frame.")

    func run() {
        let state = SyntheticFleet.state(sites: 1000, width: 200, height: 60, table: true)
        func time(_ name: String, _ n: Int = 50, _ body: () -> Void) {
            let start = ContinuousClock.now
            for _ in 0..<n { body() }
            let d = ContinuousClock.now - start
            print(String(format: "%-28@ %.3f ms", name, (Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000) / Double(n)))
        }
        time("visibleSites") { _ = state.visibleSites }
        time("fleet summary x1000") { _ = FleetSummary(state.fleet!) }
        time("conditions x1000") { for s in state.fleet!.sites { _ = s.condition } }
        time("grid alloc") { _ = CellGrid(width: 200, height: 60) }
        var g = CellGrid(width: 200, height: 60)
        time("put 200 ascii x60") { for y in 0..<60 { g.put(String(repeating: "a", count: 200), x: 0, y: y) } }
        time("put 200 box x60") { for y in 0..<60 { g.put(String(repeating: "─", count: 200), x: 0, y: y) } }
        let g2 = g
        time("diff") { _ = g2.changedIndices(since: g) }
        time("render") { _ = DashboardView.render(state) }
        // A second of the poller: each site's history, still held by the last snapshot
        // handed to the screen, gets one point.
        var histories = (0..<1000).map { _ in
            var h = RateHistory()
            for k in 0..<RateHistory.defaultCapacity { h.append(RatePoint(t: Date(timeIntervalSince1970: Double(k)), qps: 1)) }
            return h
        }
        var second = RateHistory.defaultCapacity
        time("history append, shared x1000", 200) {
            let held = histories
            for i in histories.indices { histories[i].append(RatePoint(t: Date(timeIntervalSince1970: Double(second)), qps: 2)) }
            second += 1
            withExtendedLifetime(held) {}
        }
        time("sparkline x60") { for s in state.fleet!.sites.prefix(60) { _ = Sparkline.line(s.history.recent(40).map(\.qps), width: 10) } }
    }
}
