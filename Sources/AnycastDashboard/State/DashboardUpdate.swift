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
            return handleKey(&state, key)
        case .fleet(let snapshot):
            let old = state.fleet
            state.fleet = snapshot
            state.now = max(state.now, snapshot.takenAt)
            // Poll cycles also serve as the clock while they arrive (the tick fills gaps only).
            if let s = state.status, s.until <= state.now { state.status = nil }
            for entry in FleetChangeDetector.changes(from: old, to: snapshot, at: state.now) { state.log.append(entry) }
            if state.selectedSiteID == nil || !snapshot.sites.contains(where: { $0.config.id == state.selectedSiteID }) {
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
        case .agentEvents(let siteID, let events):
            state.agentEvents[siteID] = events
            return []
        }
    }

    // MARK: - Keys

    static func handleKey(_ state: inout DashboardState, _ key: KeyPress) -> [DashboardEffect] {
        if key == .interrupt { return [.quit] }
        if state.dialog != nil { return dialogKey(&state, key) }
        if state.showHelp {
            state.showHelp = false  // any key closes the help
            return []
        }
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
            state.sort = state.sort.next
            setStatus(&state, "sorted by \(state.sort.rawValue)", .info)
        case .character("/"):
            state.editingFilter = true
        case .character(" "):
            guard let id = state.selectedSiteID, isListScreen(state.screen) else { return [] }
            if state.marks.contains(id) { state.marks.remove(id) } else { state.marks.insert(id) }
            moveSelection(&state, by: 1)
        case .character("d"): openDialog(&state, .drain)
        case .character("u"): openDialog(&state, .undrain)
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
            navigate(&state, key)
        }
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

    static func navigate(_ state: inout DashboardState, _ key: KeyPress) {
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
            default: break
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
            default: break
            }
        case .detail:
            let count = state.selectedSite?.status?.services.count ?? 0
            switch key {
            case .up, .character("k"): state.detailServiceIndex = max(0, state.detailServiceIndex - 1)
            case .down, .character("j"): state.detailServiceIndex = min(max(0, count - 1), state.detailServiceIndex + 1)
            default: break
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
            default: break
            }
        }
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

    static func openDialog(_ state: inout DashboardState, _ kind: DrainCommand.Kind) {
        guard state.mode == .live else {
            setStatus(&state, "read-only: monitor mode cannot \(kind.rawValue)", .warning)
            return
        }
        guard let fleet = state.fleet else { setStatus(&state, "no data yet", .warning); return }
        var service: String?
        var targets: [String]
        if case .detail(let id) = state.screen {
            targets = [id]
            let services = fleet.sites.first { $0.config.id == id }?.status?.services ?? []
            if services.count > 1, services.indices.contains(state.detailServiceIndex) {
                service = services[state.detailServiceIndex].name
            }
        } else if !state.marks.isEmpty {
            targets = state.visibleSites.map(\.config.id).filter { state.marks.contains($0) }
            // Never act on a site the operator cannot see: a mark hidden by the filter would
            // be drained while another row is highlighted.
            let hidden = state.marks.count - targets.count
            if hidden > 0 {
                setStatus(&state, "\(hidden) marked site\(hidden == 1 ? " is" : "s are") hidden by the filter: Esc clears the marks, / changes the filter", .warning)
                return
            }
        } else if let id = state.selectedSiteID {
            targets = [id]
        } else {
            setStatus(&state, "no site selected", .warning)
            return
        }
        let byID = Dictionary(uniqueKeysWithValues: fleet.sites.map { ($0.config.id, $0) })
        let wanted: DesiredState = kind == .drain ? .drain : .announce
        let already = targets.filter { id in
            guard let services = byID[id]?.status?.services, !services.isEmpty else { return false }
            let relevant = services.filter { service == nil || $0.name == service }
            return !relevant.isEmpty && relevant.allSatisfy { $0.desired == wanted && ($0.drain?.mode != .auto || kind == .undrain) }
        }
        targets.removeAll { already.contains($0) }
        if targets.isEmpty {
            let what = already.count == 1 ? already[0] : "\(already.count) sites"
            setStatus(&state, kind == .drain ? "\(what) already drained (u to undrain)" : "\(what) not drained", .info)
            return
        }
        let (verdict, impact) = DrainPlanner.assess(fleet, kind: kind, targets: targets, budget: state.budget)
        state.dialog = DrainDialog(kind: kind, siteIDs: targets, service: service, verdict: verdict, impact: impact)
    }

    /// Keeps the dialog's preview current while it is open.
    static func refreshDialog(_ state: inout DashboardState) {
        guard var dialog = state.dialog, let fleet = state.fleet else { return }
        (dialog.verdict, dialog.impact) = DrainPlanner.assess(fleet, kind: dialog.kind, targets: dialog.siteIDs, budget: state.budget)
        state.dialog = dialog
    }

    static func dialogKey(_ state: inout DashboardState, _ key: KeyPress) -> [DashboardEffect] {
        guard var dialog = state.dialog else { return [] }
        if key == .escape {
            state.dialog = nil
            setStatus(&state, "\(dialog.kind.rawValue) cancelled", .info)
            return []
        }
        dialog.error = nil
        switch (dialog.step, key) {
        // Counted in code points, as the agent counts it, so a reason typed here is never refused there.
        case (.reason, .character(let c))
            where dialog.reason.unicodeScalars.count + c.unicodeScalars.count <= RequestValidationError.maxReasonLength && !c.isNewline:
            dialog.reason.append(c)
        case (.reason, .backspace):
            if !dialog.reason.isEmpty { dialog.reason.removeLast() }
        case (.reason, .enter):
            if dialog.kind == .drain && dialog.reason.trimmingCharacters(in: .whitespaces).isEmpty {
                dialog.error = "a reason is required"
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
            } else if dialog.kind == .drain && !dialog.verdict.allowed {
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
        let command = DrainCommand(
            kind: dialog.kind, siteIDs: dialog.siteIDs, service: dialog.service,
            reason: dialog.reason.trimmingCharacters(in: .whitespaces), operatorName: state.operatorName, budgetOverride: override)
        let what = dialog.service.map { "\($0) at " } ?? ""
        let sites = dialog.siteIDs.joined(separator: ", ")
        for id in dialog.siteIDs {
            let site = state.fleet?.sites.first { $0.config.id == id }
            state.pending[id] = PendingAction(kind: dialog.kind, siteID: id, startedAt: state.now,
                                              baselineQPS: site?.history.mean(ofLast: 10) ?? site?.qps, phase: .sending)
        }
        let reason = command.reason.isEmpty ? "" : ": \(command.reason)"
        state.log.append(DashboardLogEntry(time: state.now, siteID: dialog.siteIDs.count == 1 ? dialog.siteIDs[0] : nil, level: .action,
                                           message: "\(dialog.kind.rawValue) of \(what)\(sites) sent by \(state.operatorName)\(reason)"))
        if override {
            let broken = dialog.verdict.violations.map(\.description).joined(separator: "; ")
            state.log.append(DashboardLogEntry(time: state.now, siteID: nil, level: .critical,
                                               message: "BUDGET OVERRIDE by \(state.operatorName) for \(sites): \(broken)"))
        }
        state.marks = []
        setStatus(&state, "\(dialog.kind.rawValue) of \(sites) sent", .info)
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
                let routesDone = a.kind == .drain
                    ? [.drained, .autoWithdrawn].contains(site.condition)
                    : site.condition == .active
                if routesDone {
                    a.phase = .verifyingTraffic(since: state.now)
                    state.log.append(DashboardLogEntry(time: state.now, siteID: id, level: .info,
                                                       message: a.kind == .drain ? "routes withdrawn from every peer" : "routes announced to every peer"))
                }
            case .verifyingTraffic(let since):
                if trafficFollowed(a, site: site, fleet: fleet, fraction: state.verifyFraction) {
                    a.phase = .verified(at: state.now)
                    let qps = NumberFormat.compactRate(site.qps)
                    let before = NumberFormat.compactRate(a.baselineQPS)
                    state.log.append(DashboardLogEntry(time: state.now, siteID: id, level: .info,
                                                       message: a.kind == .drain ? "drain verified: traffic \(before) → \(qps) qps" : "undrain verified: traffic back at \(qps) qps"))
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

    static func trafficFollowed(_ a: PendingAction, site: SiteSnapshot, fleet: FleetSnapshot, fraction: Double) -> Bool {
        guard let qps = site.qps else { return false }
        if a.kind == .drain {
            guard let base = a.baselineQPS, base > 1 else { return true }
            return qps < fraction * base
        }
        let peers = fleet.sites.filter { $0.config.region == site.config.region && $0.config.id != site.config.id && $0.condition == .active }
        let mean = peers.isEmpty ? 0 : peers.reduce(0) { $0 + ($1.qps ?? 0) } / Double(peers.count)
        return qps >= max(1, 0.2 * mean)
    }

    static func setStatus(_ state: inout DashboardState, _ text: String, _ level: StatusMessage.Level) {
        state.status = StatusMessage(text: text, level: level, until: state.now.addingTimeInterval(statusSeconds))
    }
}
