import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// The `:` command line: every command, Tab completion, the history, and what is not a command
/// or a key.
@Suite struct CommandLineTests {
    func press(_ s: inout DashboardState, _ keys: KeyPress...) -> [DashboardEffect] {
        keys.flatMap { DashboardUpdate.update(&s, .key($0)) }
    }
    func type(_ s: inout DashboardState, _ text: String) {
        for c in text { _ = DashboardUpdate.update(&s, .key(.character(c))) }
    }
    /// Types `:LINE` and Enter; the effects of the Enter.
    func command(_ s: inout DashboardState, _ line: String) -> [DashboardEffect] {
        _ = press(&s, .character(":"))
        type(&s, line)
        return press(&s, .enter)
    }

    @Test func sortSetsTheKeyAndTheDirection() {
        var s = FixtureFleet.state()
        _ = command(&s, "sort qps desc")
        #expect(s.sort == .qps && !s.sortReversed && s.prompt == nil)
        let rates = s.visibleSites.compactMap(\.qps)
        #expect(rates == rates.sorted(by: >))
        _ = command(&s, "sort qps asc")
        #expect(s.sort == .qps && s.sortReversed)
        #expect(s.visibleSites.compactMap(\.qps) == rates.sorted())
        _ = command(&s, "sort name desc")
        #expect(s.sort == .name && s.sortReversed && s.status?.text == "sorted by name ▼")
        _ = command(&s, "sort size")
        #expect(s.status?.level == .warning && s.status?.text.contains("keys: region, name") == true)
    }

    @Test func filterTakesFieldTermsAndFreeWords() {
        var s = FixtureFleet.state()
        _ = command(&s, "filter region=eu status=drained")
        #expect(s.visibleSites.map(\.config.id) == ["fra1"])
        _ = command(&s, "filter region=eu")
        #expect(!s.visibleSites.isEmpty && s.visibleSites.allSatisfy { $0.config.region == "eu" })
        _ = command(&s, "filter")
        #expect(s.filter.isEmpty && s.visibleSites.count == 12)
    }

    @Test func themeViewColumnsHelpAndQuit() {
        var s = FixtureFleet.state()
        #expect(command(&s, "theme light").first == .applyTheme("light"))
        #expect(s.themeName == "light")
        #expect(command(&s, "theme neon").isEmpty)
        #expect(s.status?.text == "no theme neon; themes: default, light, monochrome")
        _ = command(&s, "view table")
        #expect(s.screen == .table && s.listScreen == .table)
        s.selectedSiteID = "ams1"
        #expect(command(&s, "view detail") == [.fetchEvents(siteID: "ams1")])
        #expect(s.screen == .detail(siteID: "ams1"))
        _ = command(&s, "view events")
        #expect(s.screen == .events)
        _ = command(&s, "columns site,status,qps,p99,note")
        #expect(s.columns == [.site, .status, .qps, .p99, .note])
        _ = command(&s, "columns site,bogus,zz")
        #expect(s.status?.text.hasPrefix("unknown columns bogus, zz; columns: site, name") == true)
        #expect(s.columns == [.site, .status, .qps, .p99, .note], "a bad list changes nothing")
        _ = command(&s, "columns default")
        #expect(s.columns == TableColumn.standard)
        _ = command(&s, "help")
        #expect(s.showHelp)
        _ = press(&s, .escape)
        #expect(command(&s, "q") == [.quit])
    }

    @Test func drainAndUndrainOpenTheSameDialogAsTheKeys() {
        var s = FixtureFleet.state()
        s.marks = ["lhr1", "sin1"]
        _ = command(&s, "drain ams1")
        let dialog = try! #require(s.dialog)
        #expect(dialog.kind == .drain && dialog.siteIDs == ["ams1"] && dialog.step == .reason, "the named site, not the marks")
        #expect(s.marks == ["lhr1", "sin1"])
        // The same confirmation: nothing is sent until the site id is typed.
        type(&s, "maintenance")
        #expect(press(&s, .enter).isEmpty)
        type(&s, "ams1")
        guard case .perform(let c)? = press(&s, .enter).first else { Issue.record("no drain"); return }
        #expect(c.siteIDs == ["ams1"] && c.kind == .drain)

        var u = FixtureFleet.state()
        _ = command(&u, "undrain fra1")
        #expect(u.dialog?.kind == .undrain && u.dialog?.siteIDs == ["fra1"])
        var v = FixtureFleet.state()
        _ = command(&v, "drain nosuch")
        #expect(v.dialog == nil && v.status?.text == "no site nosuch in this fleet (Tab completes site ids)")
    }

    @Test func monitorModeRefusesDrainFromTheCommandLineAsFromTheKey() {
        var s = FixtureFleet.state(mode: .monitor)
        _ = command(&s, "drain ams1")
        #expect(s.dialog == nil && s.status?.text == "read-only: monitor mode cannot drain")
        _ = command(&s, "undrain fra1")
        #expect(s.dialog == nil && s.status?.text == "read-only: monitor mode cannot undrain")
    }

    @Test func unknownCommandsAndKeysSaySo() {
        var s = FixtureFleet.state()
        #expect(command(&s, "frobnicate").isEmpty)
        #expect(s.status?.text == "unknown command :frobnicate (Tab lists them, :help explains them)")
        _ = press(&s, .character("x"))
        #expect(s.status?.text == "'x' does nothing here: ? lists the keys, : takes a command")
    }

    @Test(arguments: [
        ("dr", "drain "), ("drain am", "drain ams1 "), ("sort q", "sort qps "), ("sort qps d", "sort qps desc "),
        ("columns site,st", "columns site,status,"), ("filter reg", "filter region="), ("filter region=e", "filter region=eu "),
        ("view ta", "view table "), ("theme mono", "theme monochrome "),
    ])
    func tabCompletes(typed: String, completed: String) {
        var s = FixtureFleet.state()
        _ = press(&s, .character(":"))
        type(&s, typed)
        _ = press(&s, .tab)
        #expect(s.prompt?.text == completed)
    }

    @Test func tabCyclesThroughSeveralCandidatesAndListsThem() {
        var s = FixtureFleet.state()
        _ = press(&s, .character(":"))
        type(&s, "theme ")
        _ = press(&s, .tab)
        #expect(s.prompt?.text == "theme default")
        #expect(s.status?.text == "default  light  monochrome")
        _ = press(&s, .tab)
        #expect(s.prompt?.text == "theme light")
        _ = press(&s, .tab, .tab)
        #expect(s.prompt?.text == "theme default", "round again")
        // A common start is completed first: the two 'u' commands share nothing more than "u".
        _ = press(&s, .escape, .character(":"))
        type(&s, "s")
        _ = press(&s, .tab)
        #expect(s.prompt?.text == "sort ")
    }

    @Test func upAndDownWalkTheHistoryAndGiveBackTheLineBeingTyped() {
        var s = FixtureFleet.state()
        _ = command(&s, "sort qps")
        _ = command(&s, "view table")
        _ = command(&s, "view table")  // a repeat is kept once
        #expect(s.commandHistory == ["sort qps", "view table"])
        _ = press(&s, .character(":"))
        type(&s, "fil")
        _ = press(&s, .up)
        #expect(s.prompt?.text == "view table")
        _ = press(&s, .up, .up)
        #expect(s.prompt?.text == "sort qps", "stays at the oldest")
        _ = press(&s, .down)
        #expect(s.prompt?.text == "view table")
        _ = press(&s, .down)
        #expect(s.prompt?.text == "fil", "the line being typed comes back")
    }

    @Test func escapeAndBackspaceOnAnEmptyLineLeaveIt() {
        var s = FixtureFleet.state()
        _ = press(&s, .character(":"))
        type(&s, "sort")
        _ = press(&s, .escape)
        #expect(s.prompt == nil && s.sort == .region)
        _ = press(&s, .character(":"), .backspace)
        #expect(s.prompt == nil)
    }

    @Test func reverseAndFreeze() {
        var s = FixtureFleet.state()
        _ = command(&s, "sort qps")
        let order = s.visibleSites.map(\.config.id)
        _ = press(&s, .character("S"))
        #expect(s.sortReversed && s.visibleSites.map(\.config.id) == order.reversed())
        _ = press(&s, .character("S"), .character("f"))
        #expect(s.frozenOrder == order)
        // The rates move: the rows do not.
        var fleet = s.fleet!
        for i in fleet.sites.indices { fleet.sites[i].qps = fleet.sites[i].qps.map { 1_000_000 - $0 } }
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        #expect(s.visibleSites.map(\.config.id) == order)
        _ = press(&s, .character("f"))
        let moved = SiteOrdering.order(fleet.sites, sort: .qps, filter: SiteFilter("")).map { fleet.sites[$0].config.id }
        #expect(moved != order)
        #expect(s.frozenOrder == nil && s.visibleSites.map(\.config.id) == moved, "unfrozen: the new rates' order")
        // Choosing a sort unfreezes too.
        _ = press(&s, .character("f"), .character("s"))
        #expect(s.frozenOrder == nil)
    }

    @Test func settingsChangesAreSavedAndComeBack() {
        var s = FixtureFleet.state()
        let effects = command(&s, "columns site,qps,note")
        #expect(effects == [.saveSettings(s.settings)])
        _ = command(&s, "sort p99 asc")
        _ = command(&s, "filter region=eu")
        _ = command(&s, "theme light")
        _ = press(&s, .character("v"))
        var fresh = FixtureFleet.state()
        fresh.apply(s.settings)
        #expect(fresh.settings == s.settings)
        #expect(fresh.sort == .p99 && fresh.sortReversed && fresh.filter == "region=eu" && fresh.themeName == "light"
                && fresh.screen == .table && fresh.columns == [.site, .qps, .note])
        // Moving the selection saves nothing.
        #expect(press(&s, .down).isEmpty)
        // A theme not installed here is left as it is.
        var other = FixtureFleet.state()
        other.apply(DashboardSettings(theme: "gone"))
        #expect(other.themeName == "default")
    }

    @Test func theHelpListsTheCommandsAndTheMouseAndScrollsToThemAt80x24() {
        var s = FixtureFleet.state(width: 80, height: 24)
        _ = press(&s, .character("?"))
        #expect(DashboardView.render(s).text.contains("↓ more"))
        for _ in 0..<40 { _ = press(&s, .down) }
        let text = DashboardView.render(s).text
        for words in [":columns a,b,c", ":sort KEY asc|desc", "double-click", "wheel"] { #expect(text.contains(words), "\(words)") }
        #expect(s.showHelp)
        _ = press(&s, .character("x"))
        #expect(!s.showHelp)
    }
}
