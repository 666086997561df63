import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// Every view and every dialog step at every terminal size from 20×6 to 300×100, drawn at
/// once and after a resize while open: no crash, nothing wider than the screen, and below the
/// minimum size a screen that says what size is needed.
@Suite(.serialized) struct ScreenSizeTests {
    /// A state reached by pressing keys from the fixture fleet's first screen.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var keys: [KeyPress]
        var description: String { name }
    }

    static func typing(_ text: String) -> [KeyPress] { text.map { .character($0) } }

    static let longReason = "CHG-20391 replace the line card in the edge router after the optics on port 7 kept flapping overnight, see the vendor case"

    static let cases: [Case] = [
        Case(name: "fleet", keys: []),
        Case(name: "fleet, last site", keys: [.end]),
        Case(name: "table", keys: [.character("v")]),
        Case(name: "table, last site", keys: [.character("v"), .end]),
        Case(name: "detail", keys: [.enter]),
        Case(name: "detail of a drained site", keys: [.character("v"), .character("/")] + typing("fra1") + [.enter, .enter]),
        Case(name: "a drain note read whole", keys: [.character("v"), .character("/")] + typing("fra1") + [.enter, .enter, .enter]),
        Case(name: "events", keys: [.tab, .tab, .tab]),
        Case(name: "help", keys: [.character("?")]),
        Case(name: "filter typed", keys: [.character("/")] + typing("eu")),
        Case(name: "drain: reason", keys: [.character("d")] + typing(longReason)),
        Case(name: "drain: confirm", keys: [.character("d")] + typing("CHG-1") + [.enter] + typing("ams")),
        Case(name: "drain: wrong confirmation", keys: [.character("d")] + typing("CHG-1") + [.enter] + typing("x") + [.enter]),
        Case(name: "undrain of a drained site", keys: [.character("v"), .character("/")] + typing("fra1") + [.enter, .character("u")]),
        Case(name: "drain of marked sites", keys: [.character(" "), .right, .character(" "), .right, .character(" "), .character("d")]),
    ]

    /// Every width at two heights, every height at two widths, the corners and edges of the
    /// range, and a spread of pairs (every pair would be 26,695 sizes per case).
    static let sizes: [(Int, Int)] = {
        var all: [(Int, Int)] = [(20, 6), (20, 100), (300, 6), (300, 100), (39, 9), (39, 10), (40, 9), (40, 10), (41, 11)]
        for w in 20...300 { for h in [10, 24] { all.append((w, h)) } }
        for h in 6...100 { for w in [40, 80] { all.append((w, h)) } }
        var seed: UInt64 = 7
        for _ in 0..<100 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            all.append((20 + Int(seed >> 33) % 281, 6 + Int(seed >> 13) % 95))
        }
        return all
    }()

    /// Built once: the fleet is the same at every size.
    static let fleet = FixtureFleet.snapshot()

    static func state(_ c: Case, width: Int, height: Int) -> DashboardState {
        var s = FixtureFleet.state(width: width, height: height, snapshot: fleet)
        for key in c.keys { _ = DashboardUpdate.update(&s, .key(key)) }
        return s
    }

    /// What is wrong with `s` drawn, as messages (none when all is well).
    static func problems(_ s: DashboardState, _ label: String) -> [String] {
        var out: [String] = []
        func require(_ ok: Bool, _ what: String) { if !ok { out.append("\(label): \(what)") } }
        let grid = DashboardView.render(s)
        require(grid.width == s.width && grid.height == s.height, "the grid is the screen's size")
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        require(lines.allSatisfy { DisplayWidth.of($0) <= s.width }, "no line wider than the screen")
        let minimum = DashboardView.minimumSize
        if s.width < minimum.width || s.height < minimum.height {
            require(grid.text.contains("terminal too small"), "says the terminal is too small")
            require(grid.text.contains("\(minimum.width)×\(minimum.height)") || s.width < 24, "says the size needed")
        } else {
            require(lines.first?.isEmpty == false, "the header is drawn")
            require(lines.last?.isEmpty == false, "the status line is drawn")
            if s.reader != nil { require(grid.text.contains("closes"), "the reader says how to leave it") }
            if s.dialog != nil {
                require(grid.text.contains("┌") && grid.text.contains("┘"), "the dialog's box is whole")
                require(grid.text.contains("Esc cancels"), "the dialog says how to leave it")
            }
        }
        return out
    }

    /// Runs `work` on a thread of its own: thousands of frames must not hold the shared
    /// task threads, on which the other suites' network tests wait against their timeouts.
    static func onOwnThread(_ work: @escaping @Sendable () -> [String]) async -> [String] {
        await withCheckedContinuation { (done: CheckedContinuation<[String], Never>) in
            let thread = Thread { done.resume(returning: work()) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    @Test(arguments: cases) func everySize(_ c: Case) async {
        let problems = await Self.onOwnThread {
            Self.sizes.flatMap { (w, h) in Self.problems(Self.state(c, width: w, height: h), "\(c.name) at \(w)×\(h)") }
        }
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
    }

    /// Opened at one size, then resized while open (the keys pressed at the first size).
    @Test(arguments: cases) func resizedWhileOpen(_ c: Case) {
        let pairs = [((120, 40), (40, 10)), ((80, 24), (20, 6)), ((40, 10), (300, 100)), ((300, 100), (41, 11)), ((50, 12), (39, 9))]
        var problems: [String] = []
        for ((w1, h1), (w2, h2)) in pairs {
            var s = Self.state(c, width: w1, height: h1)
            _ = DashboardView.render(s)
            _ = DashboardUpdate.update(&s, .resized(width: w2, height: h2))
            problems += Self.problems(s, "\(c.name) at \(w1)×\(h1) resized to \(w2)×\(h2)")
            _ = DashboardUpdate.update(&s, .resized(width: w1, height: h1))
            problems += Self.problems(s, "\(c.name) back to \(w1)×\(h1)")
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// A frame drawn over an earlier one (as the runtime reuses its frames' storage) is the
    /// frame drawn afresh: nothing of the earlier one shows through, at the same size or not.
    @Test(arguments: cases) func drawnOverAnotherFrame(_ c: Case) {
        let earlier = [Self.state(Self.cases[0], width: 120, height: 40), Self.state(Self.cases.last!, width: 120, height: 40),
                       Self.state(c, width: 300, height: 100), Self.state(c, width: 30, height: 8)]
        for (w, h) in [(120, 40), (80, 24), (30, 8)] {
            let s = Self.state(c, width: w, height: h)
            let fresh = DashboardView.render(s)
            for e in earlier {
                var grid = DashboardView.render(e)
                DashboardView.render(s, into: &grid)
                #expect(grid.width == fresh.width && grid.changedIndices(since: fresh).isEmpty, "\(c.name) at \(w)×\(h) over a \(e.width)×\(e.height) frame")
            }
        }
    }

    /// The view of a table in a narrow split is usable: the site ids and their status show.
    @Test func aNarrowTableShowsEachSiteAndItsStatus() {
        var s = FixtureFleet.state(width: 40, height: 12)
        _ = DashboardUpdate.update(&s, .key(.character("v")))
        let text = DashboardView.render(s).text
        #expect(text.contains("SITE") && text.contains("STATUS"))
        #expect(text.contains("ams1") && text.contains("ACTIVE"), "\(text)")
    }

    @Test func belowTheMinimumTheScreenSaysWhatIsNeeded() {
        let s = FixtureFleet.state(width: 39, height: 20)
        let text = DashboardView.render(s).text
        #expect(text.contains("terminal too small"))
        #expect(text.contains("need \(DashboardView.minimumSize.width)×\(DashboardView.minimumSize.height)"))
        #expect(text.contains("39×20"), "and what it has")
    }
}
