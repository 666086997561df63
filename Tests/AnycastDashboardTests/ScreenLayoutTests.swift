import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// What goes where on the screen: the footer's way out, the scroll position, the detail
/// view's use of the height, and the marks the filter hides.
@Suite struct ScreenLayoutTests {
    static func lines(_ s: DashboardState) -> [String] {
        DashboardView.render(s).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test(arguments: [(80, 24), (60, 20), (40, 10)])
    func theFooterAlwaysKeepsHelpAndQuit(width: Int, height: Int) {
        for screen: KeyPress? in [nil, .character("v"), .enter, .tab] {
            var s = FixtureFleet.state(width: width, height: height)
            if let screen { _ = DashboardUpdate.update(&s, .key(screen)) }
            let footer = Self.lines(s).last ?? ""
            #expect(footer.hasSuffix("? help  q quit"), "\(width)×\(height): \(footer)")
        }
    }

    @Test func theScrollPositionHasALineOfItsOwn() {
        let s = FixtureFleet.state(width: 80, height: 24)
        let lines = Self.lines(s)
        let last = lines[lines.count - 2]
        #expect(last.contains("%") && last.contains("↓"), "\(last)")
        #expect(!last.contains("│") && !last.contains("┘") && !last.contains("└"), "it covers no panel: \(last)")
    }

    @Test func theDetailViewShowsWhereTheSiteIsAndUsesTheHeight() {
        var s = FixtureFleet.state(width: 120, height: 40)
        s.selectedSiteID = "nrt1"
        _ = DashboardUpdate.update(&s, .key(.enter))
        let lines = Self.lines(s)
        let text = lines.joined(separator: "\n")
        #expect(text.contains("agent http://127.0.0.1:9100") && text.contains("location Tokyo"))
        #expect(text.contains("version 0.1.0") && text.contains("daemons bird, unbound"), "\(text)")
        // The chart reaches near the bottom when there are few events, and its axis says
        // where its bottom is (not always 0: a steady rate shows its shape).
        let chartBottom = lines.lastIndex { $0.contains("└") && $0.contains("┘") } ?? 0
        #expect(chartBottom >= 30, "the chart uses the height: bottom at line \(chartBottom)")
        let axis = lines.compactMap { $0.split(separator: "│").dropFirst().first.map(String.init) }
            .compactMap { $0.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) }
            .filter { $0.hasSuffix("k") }
        #expect(axis.count >= 3, "top, middle and bottom of the axis: \(axis)")
    }

    @Test func aMarkHiddenByTheFilterIsNeverWhatDrains() {
        var s = FixtureFleet.state(width: 120, height: 40)
        s.selectedSiteID = "ams1"
        _ = DashboardUpdate.update(&s, .key(.character(" ")))
        #expect(s.marks == ["ams1"])
        _ = DashboardUpdate.update(&s, .key(.character("/")))
        for c in "syd" { _ = DashboardUpdate.update(&s, .key(.character(c))) }
        _ = DashboardUpdate.update(&s, .key(.enter))
        _ = DashboardUpdate.update(&s, .key(.character("d")))
        #expect(s.dialog == nil, "no dialog for a site the operator cannot see")
        #expect(s.status?.text.contains("hidden by the filter") == true, "\(String(describing: s.status))")
    }
}
