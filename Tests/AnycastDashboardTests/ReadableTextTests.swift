import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// Long text can be read: nothing an operator wrote or needs is cut away without a trace.
@Suite struct ReadableTextTests {
    static let longReason = "CHG-20391 replace the line card in the edge router after the optics on port 7 kept flapping overnight"

    static func render(_ s: DashboardState) -> String { DashboardView.render(s).text }

    /// The fixture with fra1's drain record holding `reason`.
    static func state(reason: String, width: Int = 120, height: Int = 40) -> DashboardState {
        var fleet = FixtureFleet.snapshot()
        let i = fleet.sites.firstIndex { $0.config.id == "fra1" }!
        fleet.sites[i].status!.services[0].drain!.reason = reason
        return FixtureFleet.state(width: width, height: height, snapshot: fleet)
    }

    @Test func anOverrideKeepsTheReasonVisibleWithAMarkerBesideIt() {
        let s = Self.state(reason: "[budget override] CHG-7 core router swap")
        let text = Self.render(s)
        #expect(text.contains("OVERRIDE CHG-7"), "\(text)")
        #expect(!text.contains("[budget override]"))
    }

    @Test func aLongDrainReasonIsWrappedInTheDetailView() {
        var s = Self.state(reason: Self.longReason)
        s.selectedSiteID = "fra1"
        _ = DashboardUpdate.update(&s, .key(.enter))
        let text = Self.render(s)
        #expect(text.contains("flapping overnight"), "the end of the reason is on screen: \(text)")
    }

    @Test func theReasonInputScrollsSoTheCursorStaysInView() {
        var s = FixtureFleet.state(width: 80, height: 24)
        s.selectedSiteID = "ams1"
        _ = DashboardUpdate.update(&s, .key(.character("d")))
        for c in Self.longReason { _ = DashboardUpdate.update(&s, .key(.character(c))) }
        let line = Self.render(s).split(separator: "\n").first { $0.contains("reason: ") }.map(String.init) ?? ""
        #expect(line.contains("overnight█"), "the text's end and the cursor show: \(line)")
        #expect(line.contains("…"), "and the scrolled-off start is marked")
    }

    @Test func theEventLogWrapsLongLinesAndFilters() {
        var s = FixtureFleet.state(width: 80, height: 24)
        s.log.append(DashboardLogEntry(time: FixtureFleet.now, siteID: "ams1", level: .critical,
                                       message: "BUDGET OVERRIDE by bob for ams1: fleet: 10 → 9 active, minimum 12 — VIOLATED"))
        s.log.append(DashboardLogEntry(time: FixtureFleet.now, siteID: "syd1", level: .info, message: "syd1 peer transit2 up"))
        s.screen = .events
        let text = Self.render(s)
        #expect(text.contains("VIOLATED"), "the end of a long line is on screen at 80 columns: \(text)")
        _ = DashboardUpdate.update(&s, .key(.character("/")))
        for c in "syd1" { _ = DashboardUpdate.update(&s, .key(.character(c))) }
        _ = DashboardUpdate.update(&s, .key(.enter))
        let filtered = Self.render(s)
        #expect(filtered.contains("peer transit2 up"))
        #expect(!filtered.contains("BUDGET OVERRIDE"), "/ in the event log filters it: \(filtered)")
        #expect(filtered.contains("1 of 2 matching /syd1"))
    }

    @Test func anAgentEventSaysWhoOnce() {
        var s = FixtureFleet.state(width: 200, height: 50)
        let event = AgentEvent(seq: 1, time: FixtureFleet.now, kind: .drain, actor: "root", service: "dns",
                               message: "drain by root (token ops): CHG-1")
        _ = DashboardUpdate.update(&s, .agentEvents(siteID: "ams1", events: [event]))
        s.screen = .detail(siteID: "ams1")
        let text = Self.render(s)
        #expect(text.contains("[agent] drain by root (token ops): CHG-1"), "\(text)")
        #expect(!text.contains("drain by root: drain by root"))
    }

    /// At 120 columns the detail's events sit in a half-width column: a long one wraps.
    @Test func aLongEventInTheDetailViewIsWrapped() {
        var s = FixtureFleet.state(width: 120, height: 40)
        let message = "drain by root (token ops): CHG-20391 replace the line card in the edge router after the optics kept flapping overnight"
        let event = AgentEvent(seq: 1, time: FixtureFleet.now, kind: .drain, actor: "root", service: "dns", message: message)
        _ = DashboardUpdate.update(&s, .agentEvents(siteID: "ams1", events: [event]))
        s.screen = .detail(siteID: "ams1")
        let text = Self.render(s)
        #expect(text.contains("flapping overnight"), "the end of the event is on screen: \(text)")
    }

    @Test func enterOnAnEventOpensItWholeAndAnyKeyClosesIt() {
        var s = FixtureFleet.state(width: 40, height: 12)
        let message = "BUDGET OVERRIDE by bob for ams1: fleet: 10 → 9 active, minimum 12 — VIOLATED; region eu: 2 → 1 active, minimum 1 ok"
        s.log.append(DashboardLogEntry(time: FixtureFleet.now, siteID: "ams1", level: .critical, message: message))
        s.screen = .events
        _ = DashboardUpdate.update(&s, .key(.enter))
        #expect(s.reader?.text == message)
        let text = Self.render(s)
        #expect(text.contains("VIOLATED") && text.contains("minimum 1 ok"), "the whole event, wrapped: \(text)")
        _ = DashboardUpdate.update(&s, .key(.escape))
        #expect(s.reader == nil)
        #expect(s.screen == .events, "closing the reader stays in the event log")
    }

    @Test func enterInTheDetailViewOpensTheDrainNoteWhole() {
        var s = Self.state(reason: "[budget override] " + Self.longReason, width: 80, height: 24)
        s.selectedSiteID = "fra1"
        _ = DashboardUpdate.update(&s, .key(.enter))
        _ = DashboardUpdate.update(&s, .key(.enter))
        let reader = s.reader
        #expect(reader?.text.contains("drained by alice") == true && reader?.text.contains("(budget override)") == true)
        #expect(reader?.text.hasSuffix(Self.longReason) == true, "\(String(describing: reader))")
        #expect(Self.render(s).contains("flapping overnight"))
    }

    @Test func theFilterInputScrollsSoTheCursorStaysInView() {
        var s = FixtureFleet.state(width: 40, height: 12)
        _ = DashboardUpdate.update(&s, .key(.character("/")))
        for c in "region-that-does-not-exist-anywhere-at-all" { _ = DashboardUpdate.update(&s, .key(.character(c))) }
        let footer = Self.render(s).split(separator: "\n").last.map(String.init) ?? ""
        #expect(footer.contains("at-all█"), "\(footer)")
    }
}
