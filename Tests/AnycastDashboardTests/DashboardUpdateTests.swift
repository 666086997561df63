import AnycastCore
import AnycastDashboard
import Foundation
import Testing

@Suite struct DashboardUpdateTests {
    func press(_ s: inout DashboardState, _ keys: KeyPress...) -> [DashboardEffect] {
        keys.flatMap { DashboardUpdate.update(&s, .key($0)) }
    }
    func type(_ s: inout DashboardState, _ text: String) {
        for c in text { _ = DashboardUpdate.update(&s, .key(.character(c))) }
    }

    @Test func drainHappyPath() {
        var s = FixtureFleet.state()
        s.selectedSiteID = "ams1"
        #expect(press(&s, .character("d")).isEmpty)
        let dialog = try! #require(s.dialog)
        #expect(dialog.siteIDs == ["ams1"] && dialog.kind == .drain && dialog.step == .reason)
        #expect(dialog.verdict.allowed)
        #expect(dialog.impact.movingQPS > 0)
        #expect(Set(dialog.impact.receivers.map(\.id)).isSubset(of: ["lhr1"]), "fra1 is drained, so only lhr1 of eu takes ams1's traffic: \(dialog.impact.receivers.map(\.id))")
        type(&s, "CHG-9 line card")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.dialog?.step == .confirm)
        type(&s, "ams1")
        let effects = press(&s, .enter)
        #expect(s.dialog == nil)
        #expect(effects == [.perform(DrainCommand(kind: .drain, siteIDs: ["ams1"], service: nil, reason: "CHG-9 line card", operatorName: "bob", budgetOverride: false))])
        #expect(s.pending["ams1"]?.phase == .sending)
        #expect(s.pending["ams1"]?.baselineQPS ?? 0 > 0)
        #expect(s.log.last?.level == .action)
        #expect(s.log.last?.message.contains("drain of ams1 sent by bob: CHG-9 line card") == true)
    }

    @Test func reasonIsRequiredForADrain() {
        var s = FixtureFleet.state()
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"), .character(" "), .enter)
        #expect(s.dialog?.step == .reason)
        #expect(s.dialog?.error == "a reason is required")
    }

    @Test func wrongConfirmationDoesNotSend() {
        var s = FixtureFleet.state()
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        type(&s, "r")
        _ = press(&s, .enter)
        type(&s, "AMS1")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.dialog?.step == .confirm)
        #expect(s.dialog?.confirmation == "")
        #expect(s.dialog?.error == "type ams1 exactly to confirm")
        _ = press(&s, .backspace)  // harmless on an empty field
        type(&s, "ams1x")
        _ = press(&s, .backspace)
        #expect(press(&s, .enter).count == 1)
    }

    @Test func escapeCancelsAtEveryStep() {
        for steps in [0, 1, 2] {
            var s = FixtureFleet.state(snapshot: FixtureFleet.snapshot(minActiveSites: 12))
            s.selectedSiteID = "ams1"
            _ = press(&s, .character("d"))
            if steps >= 1 { type(&s, "r"); _ = press(&s, .enter) }
            if steps >= 2 { type(&s, "ams1"); _ = press(&s, .enter); #expect(s.dialog?.step == .override) }
            #expect(press(&s, .escape).isEmpty)
            #expect(s.dialog == nil)
            #expect(s.pending.isEmpty)
            #expect(s.status?.text == "drain cancelled")
        }
    }

    @Test func budgetRefusalNeedsASeparateOverride() {
        var s = FixtureFleet.state(snapshot: FixtureFleet.snapshot(minActiveSites: 10))
        // 12 sites, fra1 drained and ord1 unreachable: 10 active; draining one more breaks the budget.
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        let verdict = try! #require(s.dialog?.verdict)
        #expect(!verdict.allowed)
        #expect(verdict.violations.map(\.scope) == ["fleet"])
        #expect(verdict.lines[0].activeNow == 10 && verdict.lines[0].activeAfter == 9)
        type(&s, "must go")
        _ = press(&s, .enter)
        type(&s, "ams1")
        #expect(press(&s, .enter).isEmpty, "confirming the site does not send a drain the budget refuses")
        #expect(s.dialog?.step == .override)
        type(&s, "yes")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.dialog?.error?.contains("type override") == true)
        type(&s, "override")
        let effects = press(&s, .enter)
        guard case .perform(let command)? = effects.first else { Issue.record("no drain sent"); return }
        #expect(command.budgetOverride)
        #expect(command.reasonForAgent == "[budget override] must go")
        #expect(s.log.contains { $0.level == .critical && $0.message.contains("BUDGET OVERRIDE by bob") && $0.message.contains("fleet: 10 → 9 active, minimum 10") })
    }

    @Test func regionMinimumAppliesToAMarkedSet() {
        var s = FixtureFleet.state()
        // Mark both announcing eu sites (ams1, lhr1): eu would go 2 → 0 with a minimum of 1.
        s.selectedSiteID = "ams1"
        _ = press(&s, .character(" "))
        s.selectedSiteID = "lhr1"
        _ = press(&s, .character(" "))
        #expect(s.marks == ["ams1", "lhr1"])
        _ = press(&s, .character("d"))
        let dialog = try! #require(s.dialog)
        #expect(dialog.siteIDs.sorted() == ["ams1", "lhr1"])
        #expect(dialog.expectedConfirmation == "2")
        #expect(dialog.verdict.violations.map(\.scope) == ["region eu"])
        type(&s, "x")
        _ = press(&s, .enter)
        type(&s, "2")
        _ = press(&s, .enter)
        #expect(s.dialog?.step == .override)
    }

    @Test func monitorModeChangesNothing() {
        var s = FixtureFleet.state(mode: .monitor)
        s.selectedSiteID = "ams1"
        for key: KeyPress in [.character("d"), .character("u"), .character(" ")] {
            let before = s.pending
            let effects = press(&s, key)
            #expect(effects.isEmpty)
            #expect(s.dialog == nil)
            #expect(s.pending == before)
        }
        _ = press(&s, .character("d"))
        #expect(s.status?.text == "read-only: monitor mode cannot drain")
        #expect(s.status?.level == .warning)
    }

    @Test func undrainOfADrainedSite() {
        var s = FixtureFleet.state()
        s.selectedSiteID = "fra1"
        _ = press(&s, .character("d"))
        #expect(s.dialog == nil)
        #expect(s.status?.text == "fra1 already drained (u to undrain)")
        _ = press(&s, .character("u"))
        #expect(s.dialog?.kind == .undrain)
        #expect(s.dialog?.verdict.lines.isEmpty == true, "an undrain is never refused by the budget")
        _ = press(&s, .enter)  // an undrain needs no reason
        type(&s, "fra1")
        let effects = press(&s, .enter)
        #expect(effects == [.perform(DrainCommand(kind: .undrain, siteIDs: ["fra1"], service: nil, reason: "", operatorName: "bob", budgetOverride: false))])
    }

    @Test func pendingDrainIsFollowedUntilVerified() {
        var s = FixtureFleet.state()
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        type(&s, "r")
        _ = press(&s, .enter)
        type(&s, "ams1")
        guard case .perform(let command)? = press(&s, .enter).first else { Issue.record("not sent"); return }
        #expect(DashboardUpdate.update(&s, .actionCompleted(DrainOutcome(command: command, errors: [:]))) == [.pollNow])
        #expect(s.pending["ams1"]?.phase == .waitingForRoutes)
        let baseline = s.pending["ams1"]!.baselineQPS!

        var fleet = s.fleet!
        let i = fleet.sites.firstIndex { $0.config.id == "ams1" }!
        fleet.sites[i].status!.services[0].desired = .drain
        fleet.sites[i].status!.services[0].drain = DrainRecord(operator: "bob", reason: "r", since: s.now, mode: .operator)
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        #expect(s.pending["ams1"]?.phase == .waitingForRoutes, "DRAINING until the agent reports the routes withdrawn")
        #expect(DashboardView.render(s).text.contains("DRAINING"))

        fleet.sites[i].status!.services[0].observed = .withdrawn
        fleet.takenAt = s.now.addingTimeInterval(2)
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        guard case .verifyingTraffic? = s.pending["ams1"]?.phase else { Issue.record("\(String(describing: s.pending["ams1"]))"); return }

        fleet.sites[i].qps = baseline * 0.5
        fleet.takenAt = s.now.addingTimeInterval(3)
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        guard case .verifyingTraffic? = s.pending["ams1"]?.phase else { Issue.record("half the traffic is not a drain"); return }

        fleet.sites[i].qps = baseline * 0.05
        fleet.takenAt = s.now.addingTimeInterval(4)
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        guard case .verified? = s.pending["ams1"]?.phase else { Issue.record("not verified"); return }
        #expect(s.log.contains { $0.message.hasPrefix("drain verified") })
        #expect(DashboardView.render(s).text.contains("DRAINED  verified ✓"))
    }

    @Test func drainThatDoesNotMoveTrafficIsFlagged() {
        var s = FixtureFleet.state()
        s.pending["ams1"] = PendingAction(kind: .drain, siteID: "ams1", startedAt: s.now, baselineQPS: 10_000, phase: .verifyingTraffic(since: s.now))
        var fleet = s.fleet!
        let i = fleet.sites.firstIndex { $0.config.id == "ams1" }!
        fleet.sites[i].qps = 9_000
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        _ = DashboardUpdate.update(&s, .tick(s.now.addingTimeInterval(30)))
        guard case .verifyingTraffic? = s.pending["ams1"]?.phase else { Issue.record("flagged too early"); return }
        _ = DashboardUpdate.update(&s, .tick(s.now.addingTimeInterval(31)))
        #expect(s.pending["ams1"]?.phase == .notEffective)
        #expect(s.log.last?.level == .critical)
        #expect(s.log.last?.message.contains("drain not effective") == true)
        #expect(DashboardView.render(s).text.contains("drain not effective"))
    }

    @Test func failedSendIsShown() {
        var s = FixtureFleet.state()
        let command = DrainCommand(kind: .drain, siteIDs: ["ams1"], service: nil, reason: "r", operatorName: "bob", budgetOverride: false)
        s.pending["ams1"] = PendingAction(kind: .drain, siteID: "ams1", startedAt: s.now, baselineQPS: 1, phase: .sending)
        _ = DashboardUpdate.update(&s, .actionCompleted(DrainOutcome(command: command, errors: ["ams1": "HTTP 403 forbidden"])))
        #expect(s.pending["ams1"]?.phase == .failed("HTTP 403 forbidden"))
        #expect(s.status?.level == .error)
    }

    @Test func globalKeys() {
        var s = FixtureFleet.state()
        #expect(press(&s, .character("q")) == [.quit])
        #expect(press(&s, .interrupt) == [.quit])
        #expect(press(&s, .character("r")) == [.pollNow])
        #expect(press(&s, .character("t")).first == .applyTheme("light"))
        #expect(press(&s, .character("t")).first == .applyTheme("monochrome"))
        #expect(press(&s, .character("t")).first == .applyTheme("default"))
        _ = press(&s, .character("s"))
        #expect(s.sort == .name)
        _ = press(&s, .character("v"))
        #expect(s.screen == .table)
        _ = press(&s, .character("?"))
        #expect(s.showHelp)
        _ = press(&s, .character("x"))
        #expect(!s.showHelp)
        s.selectedSiteID = "ams1"
        #expect(press(&s, .enter) == [.fetchEvents(siteID: "ams1")])
        #expect(s.screen == .detail(siteID: "ams1"))
        _ = press(&s, .escape)
        #expect(s.screen == .table)
        var d = FixtureFleet.state()
        d.selectedSiteID = "ams1"
        _ = press(&d, .character("d"))
        #expect(press(&d, .interrupt) == [.quit], "Ctrl-C quits even from a dialog")
    }

    @Test func filterNarrowsTheList() {
        var s = FixtureFleet.state()
        _ = press(&s, .character("/"))
        type(&s, "eu")
        _ = press(&s, .enter)
        #expect(!s.editingFilter)
        #expect(s.visibleSites.map(\.config.region).allSatisfy { $0 == "eu" })
        #expect(s.visibleSites.contains { $0.config.id == s.selectedSiteID })
        _ = press(&s, .character("/"))
        _ = press(&s, .escape)
        #expect(s.filter.isEmpty)
        _ = press(&s, .character("/"))
        type(&s, "unreach")
        _ = press(&s, .enter)
        #expect(s.visibleSites.map(\.config.id) == ["ord1"])
    }

    @Test func gridNavigationFollowsTheLayout() {
        var s = FixtureFleet.state(width: 120, height: 40)
        // Width 120: three columns; regions af(1) ap(3) eu(3) na(3) sa(2).
        s.selectedSiteID = "nrt1"
        _ = press(&s, .down)
        #expect(s.selectedSiteID == "ams1")
        _ = press(&s, .right, .right)
        #expect(s.selectedSiteID == "lhr1")
        _ = press(&s, .down)
        #expect(s.selectedSiteID == "sjc1")
        _ = press(&s, .up, .up, .up)
        #expect(s.selectedSiteID == "jnb1")
        _ = press(&s, .end)
        #expect(s.selectedSiteID == s.visibleSites.last?.config.id)
    }

    @Test func changeDetectorLogsWhatPollingSaw() {
        var s = FixtureFleet.state()
        var next = s.fleet!
        let a = next.sites.firstIndex { $0.config.id == "ams1" }!
        next.sites[a].reachability = .unreachable
        next.sites[a].lastError = "timed out after 800 ms"
        let l = next.sites.firstIndex { $0.config.id == "lhr1" }!
        next.sites[l].status!.peers[0].state = .idle
        next.sites[l].status!.peers[0].lastError = "Connection refused"
        let o = next.sites.firstIndex { $0.config.id == "ord1" }!
        next.sites[o].reachability = .ok
        _ = DashboardUpdate.update(&s, .fleet(next))
        let messages = Array(s.log).map { "\($0.siteID ?? "-") \($0.message)" }
        #expect(messages.contains("ams1 agent unreachable: timed out after 800 ms"))
        #expect(messages.contains { $0.hasPrefix("lhr1 peer") && $0.contains("down: Idle, Connection refused") })
        #expect(messages.contains("ord1 agent reachable again"))
    }

    /// The poller names the sites that changed in a cycle: in the next cycle's snapshot only
    /// those are compared; a snapshot from a later cycle (one was missed) is compared whole.
    @Test func changeDetectorLooksOnlyWhereThePollerSaysWhenCyclesFollowOn() {
        var s = FixtureFleet.state()
        let base = s.fleet!
        var next = base
        next.pollHealth.cycles = base.pollHealth.cycles + 1
        let a = next.sites.firstIndex { $0.config.id == "ams1" }!
        let l = next.sites.firstIndex { $0.config.id == "lhr1" }!
        next.sites[a].reachability = .unreachable
        next.sites[a].lastError = "timed out after 800 ms"
        next.sites[l].status!.peers[0].state = .idle
        // Only ams1 is named: lhr1's change is not looked for.
        next.changedSites = [a]
        _ = DashboardUpdate.update(&s, .fleet(next))
        var messages = Array(s.log).map { "\($0.siteID ?? "-") \($0.message)" }
        #expect(messages.contains("ams1 agent unreachable: timed out after 800 ms"))
        #expect(!messages.contains { $0.hasPrefix("lhr1") }, "\(messages)")

        // The same changes two cycles on: every site is compared.
        var t = FixtureFleet.state()
        next.pollHealth.cycles = base.pollHealth.cycles + 2
        _ = DashboardUpdate.update(&t, .fleet(next))
        messages = Array(t.log).map { "\($0.siteID ?? "-") \($0.message)" }
        #expect(messages.contains("ams1 agent unreachable: timed out after 800 ms"))
        #expect(messages.contains { $0.hasPrefix("lhr1 peer") }, "\(messages)")
    }
}
