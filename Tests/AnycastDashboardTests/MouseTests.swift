import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// The mouse: what a click, a double click and the wheel do where they land, found from the
/// rendered screen as the operator sees it; and that no click ever confirms a drain.
@Suite struct MouseTests {
    func mouse(_ s: inout DashboardState, _ x: Int, _ y: Int, _ action: MouseEvent.Action = .click) -> [DashboardEffect] {
        DashboardUpdate.update(&s, .key(.mouse(MouseEvent(x: x, y: y, action: action))))
    }

    /// Where `text` first shows on the screen.
    func find(_ text: String, in s: DashboardState) -> (x: Int, y: Int)? {
        for (y, line) in DashboardView.render(s).text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let r = line.range(of: text) { return (line.distance(from: line.startIndex, to: r.lowerBound), y) }
        }
        return nil
    }

    func table() -> DashboardState {
        var s = FixtureFleet.state(width: 120, height: 40)
        _ = DashboardUpdate.update(&s, .key(.character("v")))
        return s
    }

    @Test func aClickSelectsARowAndADoubleClickOpensItsDetail() throws {
        var s = table()
        let third = s.visibleSites[2].config.id
        let row = try #require(find(" \(third) ", in: s))
        #expect(mouse(&s, row.x + 2, row.y).isEmpty)
        #expect(s.selectedSiteID == third && s.screen == .table)
        let fourth = s.visibleSites[3].config.id
        let next = try #require(find(" \(fourth) ", in: s))
        #expect(mouse(&s, next.x + 2, next.y, .doubleClick) == [.fetchEvents(siteID: fourth)])
        #expect(s.screen == .detail(siteID: fourth))
    }

    @Test func aClickOnAPanelSelectsItsSite() throws {
        var s = FixtureFleet.state(width: 120, height: 40)
        let panel = try #require(find("ams1 Amsterdam", in: s))
        _ = mouse(&s, panel.x + 3, panel.y + 2)
        #expect(s.selectedSiteID == "ams1")
    }

    @Test func theWheelScrolls() {
        var s = table()
        let first = s.visibleSites[0].config.id
        s.selectedSiteID = first
        _ = mouse(&s, 10, 10, .wheelDown)
        #expect(s.selectedSiteID == s.visibleSites[3].config.id)
        _ = mouse(&s, 10, 10, .wheelUp)
        #expect(s.selectedSiteID == first)
    }

    @Test func aClickOnAHeadingSortsByItAndASecondTurnsItRound() throws {
        var s = table()
        let qps = try #require(find("QPS", in: s))
        _ = mouse(&s, qps.x, qps.y)
        #expect(s.sort == .qps && !s.sortReversed)
        #expect(find("QPS▼", in: s) != nil)
        _ = mouse(&s, qps.x, qps.y)
        #expect(s.sort == .qps && s.sortReversed)
        #expect(find("QPS▲", in: s) != nil)
        let trend = try #require(find("TREND", in: s))
        _ = mouse(&s, trend.x, trend.y)
        #expect(s.sort == .qps && s.status?.text == "TREND does not sort")
    }

    @Test func theBottomLinesTabsAndKeysAreClickable() throws {
        var s = FixtureFleet.state(width: 120, height: 40)
        let tab = try #require(find(" table ", in: s))
        _ = mouse(&s, tab.x + 2, tab.y)
        #expect(s.screen == .table)
        let events = try #require(find(" events ", in: s))
        _ = mouse(&s, events.x + 2, events.y)
        #expect(s.screen == .events)
        let help = try #require(find("? help", in: s))
        _ = mouse(&s, help.x, help.y)
        #expect(s.showHelp)
        _ = mouse(&s, 5, 5)
        #expect(!s.showHelp, "a click closes the help")
    }

    @Test func theMouseOpensTheDrainDialogButNeverSendsTheDrain() throws {
        var s = FixtureFleet.state(width: 120, height: 40)
        s.selectedSiteID = "ams1"
        let drain = try #require(find("d drain", in: s))
        #expect(mouse(&s, drain.x, drain.y).isEmpty)
        let dialog = try #require(s.dialog)
        #expect(dialog.siteIDs == ["ams1"] && dialog.step == .reason)
        // Clicks anywhere, double clicks, the wheel: the dialog stays as it was, nothing is sent.
        for y in 0..<40 {
            for x in stride(from: 0, to: 120, by: 7) {
                for a in [MouseEvent.Action.click, .doubleClick, .wheelDown] {
                    #expect(mouse(&s, x, y, a).isEmpty)
                }
            }
        }
        #expect(s.dialog == dialog)
    }

    @Test func aClickOnAMessageBelowClearsItAndDoesNothingElse() throws {
        var s = FixtureFleet.state(width: 120, height: 40)
        _ = DashboardUpdate.update(&s, .key(.character("s")))
        #expect(s.status != nil)
        #expect(mouse(&s, 8, 39).isEmpty)
        #expect(s.status == nil && s.screen == .fleet, "the tab under the message was not clicked")
        let tab = try #require(find(" table ", in: s))
        _ = mouse(&s, tab.x + 2, tab.y)
        #expect(s.screen == .table)
    }

    @Test func inMonitorModeTheFooterHasNoDrainToClick() {
        let s = FixtureFleet.state(width: 120, height: 40, mode: .monitor)
        #expect(find("d drain", in: s) == nil)
    }
}
