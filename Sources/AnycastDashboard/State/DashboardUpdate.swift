import AnycastCore
import Foundation

/// The dashboard's update function: `update(state, event) → effects`. It never draws and never
/// touches the network; networking results come back as events.
public enum DashboardUpdate {
    /// How long a status-line message stays.
    static let statusSeconds: TimeInterval = 5

    public static func update(_ state: inout DashboardState, _ event: DashboardEvent) -> [DashboardEffect] {
        switch event {
        case .key(let key):
            let before = state.settings
            var effects = handleKey(&state, key)
            // What the operator chose is remembered as soon as it changes.
            if state.settings != before { effects.append(.saveSettings(state.settings)) }
            return effects
        case .fleet(let snapshot):
            let old = state.fleet
            state.fleet = snapshot
            state.now = max(state.now, snapshot.takenAt)
            // Poll cycles also serve as the clock while they arrive (the tick fills gaps only).
            if let s = state.status, s.until <= state.now { state.status = nil }
            for entry in FleetChangeDetector.changes(from: old, to: snapshot, at: state.now) { state.log.append(entry) }
            // By position: iterating the sites would copy each one's whole record, every cycle.
            let sites = snapshot.sites
            if state.selectedSiteID == nil || !sites.indices.contains(where: { sites[$0].config.id == state.selectedSiteID }) {
                state.selectedSiteID = state.visibleSites.first?.config.id
            }
            advancePending(&state)
            refreshDialog(&state)
            return []
        case .tick(let now):
            state.now = now
            if let s = state.status, s.until <= now { state.status = nil }
            advancePending(&state)
            return []
        case .resized(let w, let h):
            state.width = w
            state.height = h
            return []
        case .actionCompleted(let outcome):
            return completed(&state, outcome)
        case .extendCompleted(let outcome):
            return extendCompleted(&state, outcome)
        case .agentEvents(let siteID, let events):
            state.agentEvents[siteID] = events
            return []
        case .coordination(let coordination):
            state.coordination = coordination
            return []
        case .warning(let text):
            setStatus(&state, text, .warning)
            return []
        }
    }

    // MARK: - Keys

    static func handleKey(_ state: inout DashboardState, _ key: KeyPress) -> [DashboardEffect] {
        if key == .interrupt { return [.quit] }
        if case .mouse(let m) = key { return mouse(&state, m) }
        if state.dialog != nil { return dialogKey(&state, key) }
        if state.leaseDialog != nil { return leaseDialogKey(&state, key) }
        if state.showHelp {
            switch key {
            case .down, .character("j"): state.helpScroll += 1
            case .up, .character("k"): state.helpScroll = max(0, state.helpScroll - 1)
            case .pageDown: state.helpScroll += 10
            case .pageUp: state.helpScroll = max(0, state.helpScroll - 10)
            default: state.showHelp = false  // any other key closes the help
            }
            state.helpScroll = min(state.helpScroll, HelpOverlay.lines.count)
            return []
        }
        if state.prompt != nil { return promptKey(&state, key) }
        if state.editingFilter { return filterKey(&state, key) }
        if var reader = state.reader {
            switch key {
            case .up, .character("k"): reader.scroll = max(0, reader.scroll - 1)
            case .down, .character("j"): reader.scroll += 1
            default:
                state.reader = nil
                return []
            }
            state.reader = reader
            return []
        }

        switch key {
        case .character("q"): return [.quit]
        case .character("?"): state.showHelp = true
        case .tab: cycleScreen(&state, forward: true)
        case .backTab: cycleScreen(&state, forward: false)
        case .character("v"):
            state.screen = state.screen == .table ? .fleet : .table
            state.listScreen = state.screen
        case .character("r"):
            setStatus(&state, "polling every site now", .info)
            return [.pollNow]
        case .character("t"):
            if let why = state.colorsOff { setStatus(&state, "colours are off (\(why)): themes don't apply", .info); return [] }
            guard state.themeNames.count > 1 else { setStatus(&state, "only one theme is installed", .info); return [] }
            let i = state.themeNames.firstIndex(of: state.themeName) ?? -1
            state.themeName = state.themeNames[(i + 1) % state.themeNames.count]
            setStatus(&state, "theme: \(state.themeName)", .info)
            return [.applyTheme(state.themeName)]
        case .character("s"):
            sort(&state, by: state.sort.next, reversed: false)
        case .character("S"):
            sort(&state, by: state.sort, reversed: !state.sortReversed)
        case .character("f"):
            guard isListScreen(state.screen) else { return unknownKey(&state, key) }
            toggleFreeze(&state)
        case .character(":"):
            state.prompt = CommandPrompt()
        case .character("/"):
            state.editingFilter = true
        case .character(" "):
            guard let id = state.selectedSiteID, isListScreen(state.screen) else { return [] }
            if state.marks.contains(id) { state.marks.remove(id) } else { state.marks.insert(id) }
            moveSelection(&state, by: 1)
        case .character("d"): openDialog(&state, .drain)
        case .character("u"): openDialog(&state, .undrain)
        case .character("w"): openWithdrawNow(&state)
        case .character("e"): openLeaseDialog(&state)
        case .enter:
            if isListScreen(state.screen), let id = state.selectedSiteID {
                state.screen = .detail(siteID: id)
                state.detailServiceIndex = 0
                return [.fetchEvents(siteID: id)]
            }
            openReader(&state)
        case .escape:
            switch state.screen {
            case .detail, .events: state.screen = state.listScreen
            default:
                if !state.marks.isEmpty { state.marks = []; setStatus(&state, "marks cleared", .info) } else if !state.filter.isEmpty { state.filter = "" }
            }
        default:
            if !navigate(&state, key) { return unknownKey(&state, key) }
        }
        return []
    }

    /// A key that means nothing here says so, rather than nothing.
    static func unknownKey(_ state: inout DashboardState, _ key: KeyPress) -> [DashboardEffect] {
        let name: String = switch key {
        case .character(let c) where c.isLetter || c.isNumber || c.isPunctuation || c.isSymbol: "'\(c)'"
        case .character: "that key"
        case .left, .right: "← →"
        case .up, .down: "↑ ↓"
        default: "that key"
        }
        setStatus(&state, "\(name) does nothing here: ? lists the keys, : takes a command", .info)
        return []
    }

    static func isListScreen(_ s: Screen) -> Bool { s == .fleet || s == .table }

    /// Enter in the event log: the top event, whole; in the detail view: the selected
    /// service's drain note, whole.
    static func openReader(_ state: inout DashboardState) {
        switch state.screen {
        case .events:
            let shown = DashboardLogEntry.shown(state.log, filter: state.filter)
            guard !shown.isEmpty else { return }
            let e = shown[min(state.eventsScroll, shown.count - 1)]
            state.reader = TextReader(title: "\(ViewFormat.clock(e.time)) · \(e.siteID ?? "fleet")", text: e.message)
        case .detail(let id):
            let services = state.fleet?.sites.first { $0.config.id == id }?.status?.services ?? []
            guard services.indices.contains(state.detailServiceIndex), let d = services[state.detailServiceIndex].drain else {
                setStatus(&state, "no drain note here", .info)
                return
            }
            let (reason, overridden) = DrainCommand.shownReason(d.reason)
            let who = d.mode == .auto ? "withdrawn automatically" : "drained by \(d.operator)"
            state.reader = TextReader(
                title: "\(id) · \(services[state.detailServiceIndex].name)",
                text: "\(who) at \(ViewFormat.clock(d.since))\(overridden ? " (budget override)" : "")\n\n\(reason)")
        default: break
        }
    }

    static func cycleScreen(_ state: inout DashboardState, forward: Bool) {
        var order: [Screen] = [.fleet, .table, .events]
        if let id = state.selectedSiteID { order.insert(.detail(siteID: id), at: 2) }
        let i = order.firstIndex(of: state.screen) ?? 0
        state.screen = order[(i + (forward ? 1 : order.count - 1)) % order.count]
        if isListScreen(state.screen) { state.listScreen = state.screen }
    }

    static func filterKey(_ state: inout DashboardState, _ key: KeyPress) -> [DashboardEffect] {
        switch key {
        case .enter: state.editingFilter = false
        case .escape:
            state.editingFilter = false
            state.filter = ""
        case .backspace: if !state.filter.isEmpty { state.filter.removeLast() }
        case .character(let c) where !c.isNewline && state.filter.count < 64: state.filter.append(c)
        default: break
        }
        if !state.visibleSites.contains(where: { $0.config.id == state.selectedSiteID }) {
            state.selectedSiteID = state.visibleSites.first?.config.id
        }
        return []
    }

    /// Moves the selection or the scroll for `key`; false when the key does nothing here.
    @discardableResult
    static func navigate(_ state: inout DashboardState, _ key: KeyPress) -> Bool {
        switch state.screen {
        case .fleet:
            let layout = FleetLayout(sites: state.visibleSites, width: state.width, groupByRegion: state.sort == .region)
            let rowsPerPage = max(1, (state.height - 3) / FleetLayout.panelHeight)
            switch key {
            case .left, .character("h"): moveSelection(&state, by: -1)
            case .right, .character("l"): moveSelection(&state, by: 1)
            case .up, .character("k"): moveRows(&state, layout, -1)
            case .down, .character("j"): moveRows(&state, layout, 1)
            case .pageUp: moveRows(&state, layout, -rowsPerPage)
            case .pageDown: moveRows(&state, layout, rowsPerPage)
            case .home: state.selectedSiteID = state.visibleSites.first?.config.id
            case .end: state.selectedSiteID = state.visibleSites.last?.config.id
            default: return false
            }
        case .table:
            let page = max(1, state.height - 4)
            switch key {
            case .up, .character("k"): moveSelection(&state, by: -1)
            case .down, .character("j"): moveSelection(&state, by: 1)
            case .pageUp: moveSelection(&state, by: -page)
            case .pageDown: moveSelection(&state, by: page)
            case .home: state.selectedSiteID = state.visibleSites.first?.config.id
            case .end: state.selectedSiteID = state.visibleSites.last?.config.id
            default: return false
            }
        case .detail:
            let count = state.selectedSite?.status?.services.count ?? 0
            switch key {
            case .up, .character("k"): state.detailServiceIndex = max(0, state.detailServiceIndex - 1)
            case .down, .character("j"): state.detailServiceIndex = min(max(0, count - 1), state.detailServiceIndex + 1)
            default: return false
            }
        case .events:
            let count = state.filter.isEmpty ? state.log.count : DashboardLogEntry.shown(state.log, filter: state.filter).count
            switch key {
            case .up, .character("k"): state.eventsScroll = max(0, state.eventsScroll - 1)
            case .down, .character("j"): state.eventsScroll = min(max(0, count - 1), state.eventsScroll + 1)
            case .pageUp: state.eventsScroll = max(0, state.eventsScroll - (state.height - 4))
            case .pageDown: state.eventsScroll = min(max(0, count - 1), state.eventsScroll + (state.height - 4))
            case .home: state.eventsScroll = 0
            case .end: state.eventsScroll = max(0, count - 1)
            default: return false
            }
        }
        return true
    }

    static func moveSelection(_ state: inout DashboardState, by delta: Int) {
        let sites = state.visibleSites
        guard !sites.isEmpty else { return }
        let i = sites.firstIndex { $0.config.id == state.selectedSiteID } ?? 0
        state.selectedSiteID = sites[min(max(0, i + delta), sites.count - 1)].config.id
    }

    static func moveRows(_ state: inout DashboardState, _ layout: FleetLayout, _ rows: Int) {
        guard let id = state.selectedSiteID else { state.selectedSiteID = state.visibleSites.first?.config.id; return }
        var target = id
        let step = rows > 0 ? 1 : -1
        for _ in 0..<abs(rows) {
            guard let next = layout.neighbour(of: target, rows: step) else { break }
            target = next
        }
        state.selectedSiteID = target
    }

    // MARK: - Drain and undrain

    /// `sites`: exactly these (`:drain SITE`), else what `actionTargets` picks.
    static func openDialog(_ state: inout DashboardState, _ kind: DrainCommand.Kind, sites: [String]? = nil) {
        guard let (fleet, targets, service) = actionTargets(&state, verb: kind.rawValue, sites: sites) else { return }
        let byID = Dictionary(uniqueKeysWithValues: fleet.sites.map { ($0.config.id, $0) })
        let wanted: DesiredState = kind == .drain ? .drain : .announce
        var open = targets
        let already = targets.filter { id in
            guard let services = byID[id]?.status?.services, !services.isEmpty else { return false }
            let relevant = services.filter { service == nil || $0.name == service }
            return !relevant.isEmpty && relevant.allSatisfy { $0.desired == wanted && ($0.drain?.mode != .auto || kind == .undrain) }
        }
        open.removeAll { already.contains($0) }
        if open.isEmpty {
            let what = already.count == 1 ? already[0] : "\(already.count) sites"
            if kind == .drain, already.contains(where: { byID[$0].map { SiteDrain.isDepreferred($0, service: service) } ?? false }) {
                setStatus(&state, "\(what) already draining, de-preferred (w withdraws now, u undrains)", .info)
            } else {
                setStatus(&state, kind == .drain ? "\(what) already drained (u to undrain)" : "\(what) not drained", .info)
            }
            return
        }
        let (verdict, impact) = DrainPlanner.assess(fleet, kind: kind, targets: open, budget: state.budget,
                                                    unchecked: DrainPlanner.uncheckable(fleet, targets: open, store: state.coordination))
        let offer = kind == .drain ? DrainLifecycleOffer(sites: open.compactMap { byID[$0] }, service: service) : .none
        state.dialog = DrainDialog(kind: kind, siteIDs: open, service: service, verdict: verdict, impact: impact, offer: offer)
    }

    /// The sites a drain, undrain, withdraw or extension acts on, and the service: in the
    /// detail view its site and selected service, else the marked sites, else the selected
    /// one. Nil, with the status line saying why, in monitor mode or when there is none.
    static func actionTargets(_ state: inout DashboardState, verb: String, sites: [String]? = nil) -> (FleetSnapshot, [String], String?)? {
        guard state.mode == .live else {
            setStatus(&state, "read-only: monitor mode cannot \(verb)", .warning)
            return nil
        }
        guard let fleet = state.fleet else { setStatus(&state, "no data yet", .warning); return nil }
        if let sites { return (fleet, sites, nil) }
        if case .detail(let id) = state.screen {
            let services = fleet.sites.first { $0.config.id == id }?.status?.services ?? []
            let service = services.count > 1 && services.indices.contains(state.detailServiceIndex) ? services[state.detailServiceIndex].name : nil
            return (fleet, [id], service)
        }
        if !state.marks.isEmpty {
            let targets = state.visibleSites.map(\.config.id).filter { state.marks.contains($0) }
            // Never act on a site the operator cannot see: a mark hidden by the filter would
            // be drained while another row is highlighted.
            let hidden = state.marks.count - targets.count
            if hidden > 0 {
                setStatus(&state, "\(hidden) marked site\(hidden == 1 ? " is" : "s are") hidden by the filter: Esc clears the marks, / changes the filter", .warning)
                return nil
            }
            return (fleet, targets, nil)
        }
        guard let id = state.selectedSiteID else {
            setStatus(&state, "no site selected", .warning)
            return nil
        }
        return (fleet, [id], nil)
    }

    /// Keeps the dialog's preview current while it is open.
    static func refreshDialog(_ state: inout DashboardState) {
        guard var dialog = state.dialog, let fleet = state.fleet else { return }
        (dialog.verdict, dialog.impact) = DrainPlanner.assess(fleet, kind: dialog.kind, targets: dialog.siteIDs, budget: state.budget,
                                                              unchecked: DrainPlanner.uncheckable(fleet, targets: dialog.siteIDs, store: state.coordination))
        state.dialog = dialog
    }

    static func dialogKey(_ state: inout DashboardState, _ key: KeyPress) -> [DashboardEffect] {
        guard var dialog = state.dialog else { return [] }
        if key == .escape {
            state.dialog = nil
            setStatus(&state, "\(dialog.withdrawNow ? "withdraw" : dialog.kind.rawValue) cancelled", .info)
            return []
        }
        dialog.error = nil
        switch (dialog.step, key) {
        case (.reason, .tab), (.reason, .down):
            dialog.moveField(forward: true)
        case (.reason, .backTab), (.reason, .up):
            dialog.moveField(forward: false)
        case (.reason, .left) where dialog.field == .stage:
            dialog.cycleStage(forward: false)
        case (.reason, .right) where dialog.field == .stage:
            dialog.cycleStage(forward: true)
        case (.reason, .character(let c)):
            dialog.type(c)
        case (.reason, .backspace):
            dialog.deleteBackward()
        case (.reason, .enter):
            if let problem = dialog.problem() {
                dialog.error = problem.message
                dialog.field = problem.field
            } else {
                dialog.step = .confirm
            }
        case (.confirm, .character(let c)) where dialog.confirmation.count < 64 && !c.isNewline:
            dialog.confirmation.append(c)
        case (.confirm, .backspace):
            if !dialog.confirmation.isEmpty { dialog.confirmation.removeLast() }
        case (.confirm, .enter):
            if dialog.confirmation != dialog.expectedConfirmation {
                dialog.error = "type \(dialog.expectedConfirmation) exactly to confirm"
                dialog.confirmation = ""
            } else if dialog.kind == .drain && !dialog.withdrawNow && !dialog.verdict.allowed {
                // A de-preferred site already counts as not active: withdrawing it changes no budget line.
                dialog.step = .override
            } else {
                state.dialog = nil
                return send(&state, dialog, override: false)
            }
        case (.override, .character(let c)) where dialog.overrideText.count < 16:
            dialog.overrideText.append(c)
        case (.override, .backspace):
            if !dialog.overrideText.isEmpty { dialog.overrideText.removeLast() }
        case (.override, .enter):
            if dialog.overrideText == DrainDialog.overrideWord {
                state.dialog = nil
                return send(&state, dialog, override: true)
            }
            dialog.error = "type \(DrainDialog.overrideWord) to drain in spite of the budget, or Esc to cancel"
            dialog.overrideText = ""
        default:
            break
        }
        state.dialog = dialog
        return []
    }

    static func send(_ state: inout DashboardState, _ dialog: DrainDialog, override: Bool) -> [DashboardEffect] {
        var reason = dialog.reason.trimmingCharacters(in: .whitespaces)
        if reason.isEmpty && dialog.withdrawNow { reason = DrainDialog.withdrawNowReason }
        let lease = try? dialog.leaseSeconds().get()
        let command = DrainCommand(
            kind: dialog.kind, siteIDs: dialog.siteIDs, service: dialog.service,
            reason: reason, operatorName: state.operatorName, budgetOverride: override,
            lease: lease, ticket: dialog.ticketToSend, stage: dialog.stageToSend)
        let what = dialog.service.map { "\($0) at " } ?? ""
        let sites = dialog.siteIDs.joined(separator: ", ")
        for id in dialog.siteIDs {
            let site = state.fleet?.sites.first { $0.config.id == id }
            // A site already de-preferred has lost most of its traffic: the rate before the
            // drain began is the one to compare with.
            let before = site.flatMap { SiteDrain($0, service: dialog.service) }?.record.baselineQps
            state.pending[id] = PendingAction(kind: dialog.kind, siteID: id, startedAt: state.now,
                                              baselineQPS: before ?? site?.history.mean(ofLast: 10) ?? site?.qps, phase: .sending,
                                              stage: command.stage)
        }
        let verb = dialog.withdrawNow ? "withdraw now" : (command.stage == .deprefer ? "drain (hold at de-prefer)" : dialog.kind.rawValue)
        var details: [String] = []
        if let lease { details.append("lease \(NumberFormat.span(Double(lease)))") }
        if let ticket = command.ticket { details.append(ticket) }
        if command.stage == .withdraw && !dialog.withdrawNow { details.append("skipping de-prefer") }
        let said = (details + (command.reason.isEmpty ? [] : [command.reason])).joined(separator: " · ")
        state.log.append(DashboardLogEntry(time: state.now, siteID: dialog.siteIDs.count == 1 ? dialog.siteIDs[0] : nil, level: .action,
                                           message: "\(verb) of \(what)\(sites) sent by \(state.operatorName)\(said.isEmpty ? "" : ": " + said)"))
        if override {
            let broken = dialog.verdict.overridden
            state.log.append(DashboardLogEntry(time: state.now, siteID: nil, level: .critical,
                                               message: "BUDGET OVERRIDE by \(state.operatorName) for \(sites): \(broken)"))
        }
        state.marks = []
        setStatus(&state, "\(verb) of \(sites) sent", .info)
        return [.perform(command)]
    }

    static func completed(_ state: inout DashboardState, _ outcome: DrainOutcome) -> [DashboardEffect] {
        for id in outcome.command.siteIDs {
            if let error = outcome.errors[id] {
                state.pending[id]?.phase = .failed(error)
                state.log.append(DashboardLogEntry(time: state.now, siteID: id, level: .critical,
                                                   message: "\(outcome.command.kind.rawValue) failed: \(error)"))
                setStatus(&state, "\(outcome.command.kind.rawValue) of \(id) failed: \(error)", .error)
            } else if state.pending[id]?.phase == .sending {
                state.pending[id]?.phase = .waitingForRoutes
                state.log.append(DashboardLogEntry(time: state.now, siteID: id, level: .info,
                                                   message: "\(outcome.command.kind.rawValue) accepted by the agent"))
            }
        }
        advancePending(&state)
        return [.pollNow]
    }

    /// Moves each pending action along: routes changed → traffic followed → verified, or flagged.
    static func advancePending(_ state: inout DashboardState) {
        guard let fleet = state.fleet else { return }
        for (id, action) in state.pending {
            guard let site = fleet.sites.first(where: { $0.config.id == id }) else { continue }
            var a = action
            switch a.phase {
            case .waitingForRoutes:
                // Held at de-prefer: done once the agent says every peer is sent the de-preferred route.
                let depreferred = a.holdsAtDeprefer && site.condition == .draining
                    && SiteDrain(site).map { $0.atDeprefer && $0.service.depreferred != false } == true
                let routesDone = a.kind == .drain
                    ? [.drained, .autoWithdrawn].contains(site.condition) || depreferred
                    : site.condition == .active
                if routesDone {
                    a.phase = .verifyingTraffic(since: state.now)
                    let what = depreferred ? "route de-preferred, still announced" : (a.kind == .drain ? "routes withdrawn from every peer" : "routes announced to every peer")
                    state.log.append(DashboardLogEntry(time: state.now, siteID: id, level: .info, message: what))
                }
            case .verifyingTraffic(let since):
                if trafficFollowed(a, site: site, fleet: fleet, state: state) {
                    a.phase = .verified(at: state.now)
                    let qps = NumberFormat.compactRate(site.qps)
                    let before = NumberFormat.compactRate(a.baselineQPS)
                    state.log.append(DashboardLogEntry(time: state.now, siteID: id, level: .info,
                                                       message: a.kind == .drain ? "\(a.holdsAtDeprefer ? "de-prefer" : "drain") verified: traffic \(before) → \(qps) qps" : "undrain verified: traffic back at \(qps) qps"))
                } else if state.now.timeIntervalSince(since) > state.verifyDeadline {
                    a.phase = .notEffective
                    let share = a.baselineQPS.flatMap { b in b > 0 ? site.qps.map { $0 / b } : nil }
                    state.log.append(DashboardLogEntry(time: state.now, siteID: id, level: .critical,
                                                       message: "\(a.label): \(NumberFormat.compactRate(site.qps)) qps after \(Int(state.verifyDeadline)) s" + (share.map { " (\(NumberFormat.percent($0)) of before)" } ?? "")))
                }
            default:
                break
            }
            state.pending[id] = a
        }
    }

    static func trafficFollowed(_ a: PendingAction, site: SiteSnapshot, fleet: FleetSnapshot, state: DashboardState) -> Bool {
        guard let qps = site.qps else { return false }
        if a.kind == .drain {
            guard let base = a.baselineQPS, base > 1 else { return true }
            return qps < state.verifyFraction * base
        }
        let peers = fleet.sites.filter { $0.config.region == site.config.region && $0.config.id != site.config.id && $0.condition == .active }
        let mean = peers.isEmpty ? 0 : peers.reduce(0) { $0 + ($1.qps ?? 0) } / Double(peers.count)
        return qps >= max(1, state.undrainFraction * mean)
    }

    static func setStatus(_ state: inout DashboardState, _ text: String, _ level: StatusMessage.Level) {
        state.status = StatusMessage(text: text, level: level, until: state.now.addingTimeInterval(statusSeconds))
    }
}
