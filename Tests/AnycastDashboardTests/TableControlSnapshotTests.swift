import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// The table under the operator's control, drawn: chosen columns, the sort arrow, the frozen
/// marker, the filter's matches, and the command line, at 80, 120 and 200 columns.
@Suite struct TableControlSnapshotTests {
    static func table(width: Int, height: Int) -> DashboardState {
        var s = FixtureFleet.state(width: width, height: height)
        _ = DashboardUpdate.update(&s, .key(.character("v")))
        return s
    }

    static func run(_ s: inout DashboardState, _ line: String) {
        _ = DashboardUpdate.update(&s, .key(.character(":")))
        for c in line { _ = DashboardUpdate.update(&s, .key(.character(c))) }
        _ = DashboardUpdate.update(&s, .key(.enter))
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 50)])
    func chosenColumnsSortedAndFrozen(width: Int, height: Int) {
        var s = Self.table(width: width, height: height)
        Self.run(&s, "columns site,status,qps,p99,note")
        Self.run(&s, "sort p99 asc")
        _ = DashboardUpdate.update(&s, .key(.character("f")))
        s.status = nil
        let text = DashboardView.render(s).text
        let heading = String(text.split(separator: "\n")[1])
        #expect(heading.contains("P99▲") && heading.contains("frozen (f)"), "\(heading)")
        #expect(!heading.contains("NAME") && !heading.contains("TREND"))
        SnapshotAssertion.check(text, named: "table-control-\(width)x\(height)")
    }

    @Test(arguments: [80, 120, 200])
    func onWideTerminalsTheNoteTakesTheSpareWidth(width: Int) {
        var s = Self.table(width: width, height: 30)
        Self.run(&s, "columns site,status,note")
        s.status = nil
        let grid = DashboardView.render(s)
        let heading = String(grid.text.split(separator: "\n")[1])
        let noteAt = heading.distance(from: heading.startIndex, to: heading.range(of: "NOTE")!.lowerBound)
        // fra1's drain note runs on into the spare width, not cut at a fixed one.
        let line = grid.text.split(separator: "\n").first { $0.contains("fra1") }!
        #expect(DisplayWidth.of(String(line)) <= width)
        #expect(noteAt == 2 + 7 + 1 + 14 + 1, "NOTE follows STATUS directly")
        #expect(line.contains("by alice") && line.contains(width >= 120 ? "CHG-1234 router maintenance" : "CHG-1234"), "\(line)")
    }

    @Test func theFiltersMatchesAreHighlighted() throws {
        var s = Self.table(width: 120, height: 30)
        Self.run(&s, "filter ms region=eu")
        s.status = nil
        let grid = DashboardView.render(s)
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        let y = try #require(lines.firstIndex { $0.contains("ams1") })
        let line = lines[y]
        let x = line.distance(from: line.startIndex, to: line.range(of: "ams1")!.lowerBound)
        // "ms" inside "ams1" is reversed; "a" and "1" are not.
        #expect(!grid[x, y].reverse && grid[x + 1, y].reverse && grid[x + 2, y].reverse && !grid[x + 3, y].reverse)
        // region=eu marks the region cell's "eu".
        let r = line.distance(from: line.startIndex, to: line.range(of: " eu ")!.lowerBound) + 1
        #expect(grid[r, y].reverse && grid[r + 1, y].reverse)
        SnapshotAssertion.check(grid.text, named: "table-filter-highlight-120x30")
    }

    @Test func thePanelsHighlightTheMatchesToo() throws {
        var s = FixtureFleet.state(width: 120, height: 40)
        Self.run(&s, "filter ams")
        let grid = DashboardView.render(s)
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        let y = try #require(lines.firstIndex { $0.contains("ams1 Amsterdam") })
        let line = lines[y]
        let x = line.distance(from: line.startIndex, to: line.range(of: "ams1 Amsterdam")!.lowerBound)
        #expect(grid[x, y].reverse && grid[x + 2, y].reverse && !grid[x + 3, y].reverse, "ams in the id")
        #expect(!grid[x + 4, y].reverse && grid[x + 5, y].reverse && grid[x + 7, y].reverse && !grid[x + 8, y].reverse, "Ams in Amsterdam")
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 50)])
    func theCommandLine(width: Int, height: Int) {
        var s = Self.table(width: width, height: height)
        for c in ":sort qps de" { _ = DashboardUpdate.update(&s, .key(.character(c))) }
        _ = DashboardUpdate.update(&s, .key(.tab))
        let text = DashboardView.render(s).text
        #expect(text.split(separator: "\n").last?.hasPrefix(":sort qps desc ") == true)
        SnapshotAssertion.check(text, named: "command-line-\(width)x\(height)")
    }
}
