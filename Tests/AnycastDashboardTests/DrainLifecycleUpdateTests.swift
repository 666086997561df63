import AnycastCore
import AnycastDashboard
import Foundation
import Testing

/// The keys and dialog fields of staged drains, leases and tickets: what the update function
/// sends, and what it refuses before anything is sent.
@Suite struct DrainLifecycleUpdateTests {
    func press(_ s: inout DashboardState, _ keys: KeyPress...) -> [DashboardEffect] {
        keys.flatMap { DashboardUpdate.update(&s, .key($0)) }
    }
    func type(_ s: inout DashboardState, _ text: String) {
        for c in text { _ = DashboardUpdate.update(&s, .key(.character(c))) }
    }

    @Test func leaseTicketAndStageAreSentWithTheDrain() {
        var s = LifecycleFixture.state()
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        #expect(s.dialog?.fields == [.reason, .lease, .ticket, .stage])
        #expect(s.dialog?.offer.stages == [.staged, .hold, .now])
        type(&s, "swap optics")
        _ = press(&s, .tab)
        #expect(s.dialog?.field == .lease)
        type(&s, "2h")
        _ = press(&s, .tab)
        type(&s, "CHG-1")
        _ = press(&s, .tab)
        #expect(s.dialog?.field == .stage)
        _ = press(&s, .right)
        #expect(s.dialog?.stage == .hold)
        type(&s, "x")  // not a text field: ignored
        _ = press(&s, .enter)
        #expect(s.dialog?.step == .confirm, "\(String(describing: s.dialog?.error))")
        type(&s, "ams1")
        let effects = press(&s, .enter)
        #expect(effects == [.perform(DrainCommand(kind: .drain, siteIDs: ["ams1"], service: nil, reason: "swap optics", operatorName: "bob",
                                                   budgetOverride: false, lease: 7200, ticket: "CHG-1", stage: .deprefer))])
        #expect(s.pending["ams1"]?.stage == .deprefer)
        #expect(s.log.last?.message == "drain (hold at de-prefer) of ams1 sent by bob: lease 2h · CHG-1 · swap optics")
    }

    @Test func enterFromTheReasonStillGoesStraightToTheConfirmation() {
        var s = LifecycleFixture.state()
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        type(&s, "r")
        _ = press(&s, .enter)
        type(&s, "ams1")
        #expect(press(&s, .enter) == [.perform(DrainCommand(kind: .drain, siteIDs: ["ams1"], service: nil, reason: "r", operatorName: "bob", budgetOverride: false))],
                "blank lease and ticket, the staged drain: nothing extra is sent")
    }

    @Test func fieldsCycleBothWaysAndKeepWhatWasTyped() {
        var s = LifecycleFixture.state()
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        _ = press(&s, .backTab)
        #expect(s.dialog?.field == .stage)
        _ = press(&s, .up)
        #expect(s.dialog?.field == .ticket)
        type(&s, "CHG-77")
        _ = press(&s, .backspace)
        _ = press(&s, .down, .down)
        #expect(s.dialog?.field == .reason)
        #expect(s.dialog?.ticket == "CHG-7")
        _ = press(&s, .backTab)
        _ = press(&s, .left)
        #expect(s.dialog?.stage == .now, "left from the first choice wraps to the last")
        type(&s, " ")
        #expect(s.dialog?.stage == .staged)
    }

    @Test(arguments: [("90m", 5400), ("45s", 45), ("1h30m", 5400), ("1d", 86_400), (" 2h ", 7200), ("1.5h", 5400)])
    func leaseDurationsAsTyped(text: String, seconds: Int) {
        #expect((try? LeaseDuration.seconds(text)) == seconds)
    }

    @Test(arguments: ["", "90", "h", "2x", "-1h", "0m", "1.5s", "400d", "1h30", ".5h"])
    func notALease(text: String) {
        #expect((try? LeaseDuration.seconds(text)) == nil)
    }

    @Test func aBadLeaseIsRefusedInTheDialogAndTheCursorGoesBackToIt() {
        var s = LifecycleFixture.state()
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        type(&s, "r")
        _ = press(&s, .tab)
        type(&s, "90")
        _ = press(&s, .tab, .enter)
        #expect(s.dialog?.step == .reason)
        #expect(s.dialog?.field == .lease)
        #expect(s.dialog?.error == "lease \"90\": give a duration like 2h, 90m or 45s")
    }

    @Test func aLeaseLongerThanTheAgentsMaxLeaseIsRefusedInTheDialog() {
        var s = LifecycleFixture.state(snapshot: LifecycleFixture.snapshot(maxLease: 8 * 3600))
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        type(&s, "r")
        _ = press(&s, .tab)
        type(&s, "9h")
        _ = press(&s, .enter)
        #expect(s.dialog?.error == "a lease of 9h is longer than the agent's max_lease of 8h")
        #expect(s.dialog?.step == .reason)
        _ = press(&s, .backspace, .backspace)
        type(&s, "8h")
        _ = press(&s, .enter)
        #expect(s.dialog?.step == .confirm)
    }

    @Test func aSiteThatRequiresALeaseSaysHowToGiveOne() {
        var s = LifecycleFixture.state(snapshot: LifecycleFixture.snapshot(requireLease: true))
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        type(&s, "r")
        _ = press(&s, .enter)
        #expect(s.dialog?.step == .reason)
        #expect(s.dialog?.field == .lease)
        #expect(s.dialog?.error?.contains("requires a lease on every drain") == true)
        #expect(s.dialog?.error?.contains("e.g. 2h") == true)
        type(&s, "45m")
        _ = press(&s, .enter)
        type(&s, "ams1")
        guard case .perform(let command)? = press(&s, .enter).first else { Issue.record("not sent"); return }
        #expect(command.lease == 2700)
    }

    @Test func oldAgentsAreOfferedAReasonOnly() {
        var s = FixtureFleet.state()
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        #expect(s.dialog?.fields == [.reason])
        #expect(s.dialog?.offer.supported == false)
        _ = press(&s, .tab)
        #expect(s.dialog?.field == .reason)
        type(&s, "r")
        _ = press(&s, .enter)
        type(&s, "ams1")
        guard case .perform(let command)? = press(&s, .enter).first else { Issue.record("not sent"); return }
        #expect(command.lease == nil && command.ticket == nil && command.stage == nil)
    }

    @Test func aSetWithAnOldAgentIsOfferedNoLease() {
        var fleet = LifecycleFixture.snapshot()
        let i = fleet.sites.firstIndex { $0.config.id == "lhr1" }!
        fleet.sites[i].status!.agent.drainLifecycle = nil
        var s = LifecycleFixture.state(snapshot: fleet)
        s.marks = ["ams1", "lhr1"]
        _ = press(&s, .character("d"))
        #expect(s.dialog?.siteIDs.count == 2)
        #expect(s.dialog?.fields == [.reason])
    }

    @Test func holdIsOfferedOnlyWhenEveryServiceCanBeHeld() {
        var fleet = LifecycleFixture.snapshot()
        let i = fleet.sites.firstIndex { $0.config.id == "lhr1" }!
        fleet.sites[i].status!.services[0].deprefer = nil
        let offer = DrainLifecycleOffer(sites: fleet.sites.filter { ["ams1", "lhr1"].contains($0.config.id) }, service: nil)
        #expect(offer.stages == [.staged, .now])
        let none = DrainLifecycleOffer(sites: fleet.sites.filter { $0.config.id == "lhr1" }, service: nil)
        #expect(none.supported && none.stages.isEmpty)
    }

    @Test func wWithdrawsADepreferredSiteOnlyOnceConfirmed() {
        var fleet = LifecycleFixture.snapshot()
        LifecycleFixture.deprefer(&fleet, "ams1", hold: true)
        var s = LifecycleFixture.state(snapshot: fleet)
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        #expect(s.dialog == nil)
        #expect(s.status?.text == "ams1 already draining, de-preferred (w withdraws now, u undrains)")
        #expect(press(&s, .character("w")).isEmpty)
        let dialog = try! #require(s.dialog)
        #expect(dialog.withdrawNow && dialog.fields == [.reason] && dialog.reasonOptional)
        #expect(dialog.verdict.allowed, "a de-preferred site is not active already: withdrawing it costs the budget nothing")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.dialog?.step == .confirm)
        type(&s, "ams")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.dialog?.error == "type ams1 exactly to confirm")
        type(&s, "ams1")
        let effects = press(&s, .enter)
        #expect(effects == [.perform(DrainCommand(kind: .drain, siteIDs: ["ams1"], service: nil, reason: DrainDialog.withdrawNowReason,
                                                   operatorName: "bob", budgetOverride: false, stage: .withdraw))])
        #expect(s.pending["ams1"]?.baselineQPS == fleet.sites.first { $0.config.id == "ams1" }!.status!.services[0].drain!.baselineQps,
                "verified against the rate before the drain, not the 12% left")
        #expect(s.log.last?.message == "withdraw now of ams1 sent by bob: \(DrainDialog.withdrawNowReason)")
    }

    @Test func wOnASiteNotAtTheDepreferStepSaysSo() {
        var s = LifecycleFixture.state()
        s.selectedSiteID = "fra1"
        _ = press(&s, .character("w"))
        #expect(s.dialog == nil)
        #expect(s.status?.text == "fra1 is not at the de-prefer step: w withdraws a de-preferred site now (d drains)")
    }

    @Test func monitorModeRefusesWAndE() {
        var fleet = LifecycleFixture.snapshot()
        LifecycleFixture.deprefer(&fleet, "ams1")
        var s = LifecycleFixture.state(mode: .monitor, snapshot: fleet)
        s.selectedSiteID = "ams1"
        #expect(press(&s, .character("w")).isEmpty)
        #expect(s.dialog == nil)
        #expect(s.status?.text == "read-only: monitor mode cannot withdraw")
        #expect(press(&s, .character("e")).isEmpty)
        #expect(s.leaseDialog == nil)
        #expect(s.status?.text == "read-only: monitor mode cannot extend")
    }

    @Test func eExtendsTheLeaseOfADrainedSite() {
        var fleet = LifecycleFixture.snapshot(maxLease: 8 * 3600)
        LifecycleFixture.leased(&fleet, "fra1", left: 3600)
        var s = LifecycleFixture.state(snapshot: fleet)
        s.selectedSiteID = "fra1"
        #expect(press(&s, .character("e")).isEmpty)
        #expect(s.leaseDialog?.siteIDs == ["fra1"])
        #expect(s.leaseDialog?.maxLease == 28_800)
        _ = press(&s, .enter)
        #expect(s.leaseDialog?.error == "type how much longer the drain should last, e.g. 1h")
        type(&s, "8h")
        _ = press(&s, .enter)
        #expect(s.leaseDialog?.error == "the lease would end in 9h, longer than the agent's max_lease of 8h", "1h left + 8h")
        _ = press(&s, .backspace, .backspace)
        type(&s, "2h")
        let effects = press(&s, .enter)
        #expect(s.leaseDialog == nil)
        #expect(effects == [.extend(LeaseExtension(siteIDs: ["fra1"], service: nil, seconds: 7200, operatorName: "bob"))])
        #expect(s.log.last?.message == "lease extension of fra1 by 2h sent by bob")

        let done = DashboardUpdate.update(&s, .extendCompleted(LeaseExtensionOutcome(request: LeaseExtension(siteIDs: ["fra1"], service: nil, seconds: 7200, operatorName: "bob"), errors: [:])))
        #expect(done == [.pollNow])
        #expect(s.status?.text == "lease of fra1 extended by 2h")
    }

    @Test func aFailedExtensionIsShown() {
        var s = LifecycleFixture.state()
        let request = LeaseExtension(siteIDs: ["fra1"], service: nil, seconds: 60, operatorName: "bob")
        _ = DashboardUpdate.update(&s, .extendCompleted(LeaseExtensionOutcome(request: request, errors: ["fra1": "HTTP 409 conflict: nothing to extend"])))
        #expect(s.status?.level == .error)
        #expect(s.log.last?.message == "lease extension failed: HTTP 409 conflict: nothing to extend")
    }

    @Test func eOnAnOldAgentSaysItIsTooOld() {
        var s = FixtureFleet.state()
        s.selectedSiteID = "fra1"
        _ = press(&s, .character("e"))
        #expect(s.leaseDialog == nil)
        #expect(s.status?.text == "the agent at fra1 is too old to extend a lease (no drain leases): upgrade, or undrain by hand")
    }

    @Test func eOnASiteNotDrainedSaysSo() {
        var s = LifecycleFixture.state()
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("e"))
        #expect(s.leaseDialog == nil)
        #expect(s.status?.text == "ams1 is not drained by an operator: e extends a drain's lease")
    }

    @Test func escapeCancelsTheLeaseDialog() {
        var fleet = LifecycleFixture.snapshot()
        LifecycleFixture.leased(&fleet, "fra1", left: 600)
        var s = LifecycleFixture.state(snapshot: fleet)
        s.selectedSiteID = "fra1"
        _ = press(&s, .character("e"))
        type(&s, "1h")
        #expect(press(&s, .escape).isEmpty)
        #expect(s.leaseDialog == nil)
        #expect(s.status?.text == "extend cancelled")
    }

    @Test func aDrainHeldAtDepreferIsVerifiedOnceDepreferredAndTheTrafficHasLeft() {
        var s = LifecycleFixture.state()
        s.selectedSiteID = "ams1"
        _ = press(&s, .character("d"))
        type(&s, "r")
        _ = press(&s, .backTab, .right, .enter)  // the stage field: hold
        type(&s, "ams1")
        guard case .perform(let command)? = press(&s, .enter).first else { Issue.record("not sent"); return }
        #expect(command.stage == .deprefer)
        _ = DashboardUpdate.update(&s, .actionCompleted(DrainOutcome(command: command, errors: [:])))
        #expect(s.pending["ams1"]?.label == "de-preferring")
        let baseline = s.pending["ams1"]!.baselineQPS!

        var fleet = s.fleet!
        LifecycleFixture.deprefer(&fleet, "ams1", hold: true)
        let i = fleet.sites.firstIndex { $0.config.id == "ams1" }!
        fleet.sites[i].status!.services[0].depreferred = false
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        #expect(s.pending["ams1"]?.phase == .waitingForRoutes, "not every peer is sent the de-preferred route yet")
        #expect(DashboardView.render(s).text.contains("DE-PREFERRED"))

        fleet.sites[i].status!.services[0].depreferred = true
        fleet.takenAt = s.now.addingTimeInterval(2)
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        guard case .verifyingTraffic? = s.pending["ams1"]?.phase else { Issue.record("\(String(describing: s.pending["ams1"]))"); return }
        #expect(s.log.contains { $0.message == "route de-preferred, still announced" })

        fleet.sites[i].qps = baseline * 0.04
        fleet.takenAt = s.now.addingTimeInterval(3)
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        guard case .verified? = s.pending["ams1"]?.phase else { Issue.record("not verified"); return }
        #expect(s.log.contains { $0.message.hasPrefix("de-prefer verified") })
    }

    @Test func aDepreferredSiteIsNotActiveForTheBudgetNorCountedDrained() {
        var fleet = LifecycleFixture.snapshot()
        LifecycleFixture.deprefer(&fleet, "ams1")
        let ams1 = fleet.sites.first { $0.config.id == "ams1" }!
        #expect(ams1.condition == .draining)
        #expect(!BudgetSite(ams1).isActive)
        let summary = FleetSummary(fleet)
        #expect(summary.depreferred == 1)
        #expect(summary.drained == 1, "fra1 only")
        #expect(summary.active == 9)
        // The budget counts ams1 out already: lhr1 is eu's last active site.
        var s = LifecycleFixture.state(snapshot: fleet)
        s.selectedSiteID = "lhr1"
        _ = press(&s, .character("d"))
        let region = s.dialog?.verdict.lines.first { $0.scope == "region eu" }
        #expect(region?.activeNow == 1 && region?.activeAfter == 0)
        #expect(s.dialog?.verdict.allowed == false)
    }

    @Test func leasesEndingSoonAreCounted() {
        var fleet = LifecycleFixture.snapshot()
        LifecycleFixture.leased(&fleet, "fra1", left: 600)
        LifecycleFixture.leased(&fleet, "lhr1", left: 899)
        LifecycleFixture.leased(&fleet, "ams1", left: 5000)
        let summary = FleetSummary(fleet)
        #expect(summary.leasesEnding(within: 900, of: LifecycleFixture.now) == 2)
        #expect(summary.leasesEnding(within: 900, of: LifecycleFixture.now.addingTimeInterval(-300)) == 1)
    }

    @Test func pollingLogsEachStepOfADrainsLife() {
        var s = LifecycleFixture.state()
        var fleet = s.fleet!
        LifecycleFixture.deprefer(&fleet, "ams1", ticket: "CHG-5")
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        #expect(s.log.last?.message == "dns de-preferred by alice: CHG-5 · swap optics")

        let i = fleet.sites.firstIndex { $0.config.id == "ams1" }!
        fleet.sites[i].status!.services[0].drain!.hold = true
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        #expect(s.log.last?.message == "dns held at de-prefer")

        fleet.sites[i].status!.services[0].drain!.stage = .withdraw
        fleet.sites[i].status!.services[0].drain!.hold = nil
        fleet.sites[i].status!.services[0].observed = .withdrawn
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        #expect(s.log.contains { $0.message == "dns moves on from de-prefer to withdraw (12% of its traffic left)" })
        #expect(s.log.last?.message == "dns withdrawn from every peer")

        fleet.sites[i].status!.services[0].drain!.leaseUntil = LifecycleFixture.now.addingTimeInterval(-1)
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        #expect(s.log.last?.message == "dns lease set: ends 16:41:29 UTC")

        fleet.sites[i].status!.services[0].drain = nil
        fleet.sites[i].status!.services[0].desired = .announce
        _ = DashboardUpdate.update(&s, .fleet(fleet))
        #expect(s.log.contains { $0.message == "dns undrained: the lease of alice's drain (CHG-5) ended at 16:41:29 UTC" })
    }

    @Test(arguments: [(0.0, "0s"), (45, "45s"), (80, "1m20s"), (600, "10m"), (4980, "1h23m"), (7200, "2h"), (93_600, "1d2h")])
    func spans(seconds: Double, text: String) {
        #expect(NumberFormat.span(seconds) == text)
    }

    @Test func leftSpansRoundUp() {
        #expect(NumberFormat.span(7199.2, roundUp: true) == "2h")
        #expect(NumberFormat.span(4979, roundUp: true) == "1h23m")
        #expect(NumberFormat.span(59.5, roundUp: true) == "1m")
    }
}
