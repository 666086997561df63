import AnycastCore

/// The drain / undrain dialog: what moves where, the budget, the reason and the confirmation.
enum DrainDialogView {
    static func draw(_ dialog: DrainDialog, state: DashboardState, into grid: inout CellGrid) {
        var lines: [(String, StyleRole, Bool)] = []
        let verb = dialog.withdrawNow ? "Withdraw now:" : (dialog.kind == .drain ? "Drain" : "Undrain")
        let sites = dialog.siteIDs.compactMap { id in state.fleet?.sites.first { $0.config.id == id } }
        let names = sites.map { "\($0.config.id) \($0.config.name) (\($0.config.region))" }
        let title = "\(verb) " + (dialog.service.map { "\($0) at " } ?? "") + (names.count == 1 ? names[0] : "\(names.count) sites")
        if names.count > 1 { lines.append((names.joined(separator: ", "), .dialog, false)) }
        if sites.contains(where: { $0.reachability != .ok }) {
            lines.append(("warning: an agent is not answering; the request may fail", .warn, true))
        }
        let impact = dialog.impact
        if dialog.withdrawNow {
            lines.append(("withdrawn now, without waiting for the rest of its traffic to leave", .warn, true))
        }
        if dialog.kind == .drain {
            let share = impact.fleetQPS > 0 ? impact.movingQPS / impact.fleetQPS : nil
            // A site that does not answer has no rate now: its last known one, and its age.
            let known = sites.compactMap(DrainPlanner.lastKnownRate)
            let rate = if let oldest = known.map(\.t).min() {
                "last known \(NumberFormat.compactRate(impact.movingQPS)) qps (\(ViewFormat.ago(oldest, now: state.now)))"
            } else if sites.contains(where: { $0.qps == nil }) {
                "rate unknown"
            } else {
                "now \(NumberFormat.compactRate(impact.movingQPS)) qps"
            }
            lines.append(("\(rate), \(NumberFormat.percent(share)) of the fleet's \(NumberFormat.compactRate(impact.fleetQPS)) qps", .dialog, true))
            if impact.takers == 0 {
                lines.append(("no other active site to take the traffic", .critical, true))
            } else if impact.receivers.isEmpty {
                lines.append(("\(impact.takers) active site\(impact.takers == 1 ? "" : "s") left to take its traffic", .dialog, false))
            } else {
                lines.append(("expected to move to:", .dialog, false))
                for r in impact.receivers.prefix(6) {
                    var t = "  \(DisplayWidth.pad(r.id, to: 7)) \(DisplayWidth.pad(NumberFormat.compactRate(r.nowQPS), to: 6, alignRight: true)) → \(DisplayWidth.pad(NumberFormat.compactRate(r.expectedQPS), to: 6, alignRight: true)) qps"
                    var role = StyleRole.dialog
                    if let cap = r.capacityQPS, let u = r.expectedUtilisation {
                        t += "  \(NumberFormat.percent(u)) of \(NumberFormat.compactRate(cap)) capacity"
                        role = u > 1 ? .critical : (u > 0.8 ? .warn : .ok)
                    } else {
                        t += "  capacity unknown"
                    }
                    lines.append((t, role, false))
                }
                if impact.receivers.count > 6 { lines.append(("  … and \(impact.receivers.count - 6) more sites", .dialog, false)) }
            }
            if impact.strandedQPS > 0 { lines.append(("\(NumberFormat.compactRate(impact.strandedQPS)) qps would have nowhere to go", .critical, true)) }
            if dialog.withdrawNow {
                lines.append(("disruption budget: unchanged, a de-preferred site already counts as not active", .dialog, false))
            } else {
                lines.append(("disruption budget:", .dialog, false))
            }
            for l in dialog.verdict.lines where !dialog.withdrawNow {
                lines.append(("  " + l.description + (l.isViolated ? "" : "  ok"), l.isViolated ? .critical : .ok, l.isViolated))
            }
            if let why = dialog.verdict.unchecked, !dialog.withdrawNow { lines.append(("  " + why, .critical, true)) }
        } else {
            lines.append(("the site's prefixes will be announced again and it will take traffic", .dialog, false))
        }
        lines.append(("", .dialog, false))
        // Input lines are drawn apart: they scroll sideways so the cursor always shows.
        var inputs: [(label: String, text: String, role: StyleRole, active: Bool)] = []
        for field in dialog.fields {
            let active = dialog.step == .reason && dialog.field == field
            let (label, text) = fieldText(field, dialog)
            inputs.append((label, text, active ? .input : .dialog, active && field != .stage))
        }
        if dialog.step != .reason {
            inputs.append(("type \(dialog.expectedConfirmation) to confirm: ", dialog.confirmation,
                           dialog.step == .confirm ? .input : .dialog, dialog.step == .confirm))
        }
        var after: [(String, StyleRole, Bool)] = []
        if dialog.step == .override {
            let refusal = dialog.verdict.violations.isEmpty ? "THE BUDGET CANNOT BE CHECKED." : "THE BUDGET REFUSES THIS DRAIN."
            after.append(("\(refusal) Type \(DrainDialog.overrideWord) to drain anyway (logged).", .critical, true))
        }
        if let e = dialog.error { after.append((e, .critical, true)) }
        let hints: [String] = switch dialog.step {
        case .reason where dialog.field == .stage:
            ["←→ or space changes · Tab next field · Enter continues · Esc cancels", "←→ changes · Enter continues · Esc cancels", "Esc cancels"]
        case .reason where dialog.fields.count > 1:
            ["Tab next field · Enter continues · Esc cancels", "Tab field · Enter continues · Esc cancels", "Esc cancels"]
        case .reason: ["type the reason, Enter to continue · Esc cancels", "Enter continues · Esc cancels", "Esc cancels"]
        case .confirm: ["Enter sends · Esc cancels", "Esc cancels"]
        case .override: ["Enter overrides · Esc cancels", "Esc cancels"]
        }

        // The stage is not cut short on a wide screen: it says what the drain will do.
        let stageWidth = inputs.filter { $0.label == "stage: " }.map { DisplayWidth.of($0.label + $0.text) }.max() ?? 0
        let longest = max(stageWidth, (lines + after).map { DisplayWidth.of($0.0) }.max() ?? 40)
        let width = min(grid.width - 2, max(60, min(90, longest + 4)))
        let inner = max(1, width - 4)
        // Everything wrapped to the box, so nothing is cut off at the side.
        func wrapped(_ items: [(String, StyleRole, Bool)]) -> [(String, StyleRole, Bool)] {
            items.flatMap { item -> [(String, StyleRole, Bool)] in
                // A line that fits keeps its own spacing (the receivers' columns).
                if DisplayWidth.of(item.0) <= inner { return [item] }
                let indent = String(item.0.prefix { $0 == " " })
                let parts = TextWrap.lines(String(item.0.dropFirst(indent.count)), columns: max(3, inner - indent.count), maxLines: 8)
                return parts.enumerated().map { (i, p) in ((i == 0 ? indent : indent + "  ") + p, item.1, item.2) }
            }
        }
        let top = wrapped(lines)
        var bottom: [(String, StyleRole, Bool)] = []
        for input in inputs {
            // Typed text keeps its end (the cursor) in view; a choice keeps its start.
            let text = input.label == "stage: " ? DisplayWidth.truncate(input.label + input.text, to: inner)
                : ViewFormat.scrolled(input.label, input.text, cursor: input.active, width: inner)
            bottom.append((text, input.role, false))
        }
        bottom += wrapped(after)
        if dialog.step == .override {
            bottom.append((ViewFormat.scrolled("\(DrainDialog.overrideWord)? ", dialog.overrideText, cursor: true, width: inner), .critical, true))
        }
        bottom.append((hints.first { DisplayWidth.of($0) <= inner } ?? hints[hints.count - 1], .muted, false))

        DialogFrame.draw(title: title, width: width, top: top, bottom: bottom, into: &grid)
    }

    /// A field's label and its text as shown.
    static func fieldText(_ field: DrainDialog.Field, _ dialog: DrainDialog) -> (String, String) {
        switch field {
        case .reason:
            return (dialog.reasonOptional ? "reason (optional): " : "reason: ", dialog.reason)
        case .lease:
            let limit = dialog.offer.maxLease.map { ", at most \(NumberFormat.span($0))" } ?? ""
            return ("lease (e.g. 2h\(limit); \(dialog.offer.requireLease ? "required" : "blank: none")): ", dialog.lease)
        case .ticket:
            return ("ticket (optional): ", dialog.ticket)
        case .stage:
            let text = stageText(dialog.stage, dialog.offer)
            return ("stage: ", dialog.step == .reason && dialog.field == .stage ? "‹ \(text) ›" : text)
        }
    }

    /// A way to drain in words; the staged one says when the agent withdraws.
    static func stageText(_ choice: DrainStageChoice, _ offer: DrainLifecycleOffer) -> String {
        guard choice == .staged, let step = offer.deprefer else { return choice.label }
        return "staged: de-prefer, withdraw at <\(DrainText.wholePercent(step.withdrawBelow)) of the traffic or after \(NumberFormat.span(step.stageTimeout))"
    }
}
