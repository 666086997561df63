import AnycastCore

/// The drain / undrain dialog: what moves where, the budget, the reason and the confirmation.
enum DrainDialogView {
    static func draw(_ dialog: DrainDialog, state: DashboardState, into grid: inout CellGrid) {
        var lines: [(String, StyleRole, Bool)] = []
        let verb = dialog.kind == .drain ? "Drain" : "Undrain"
        let sites = dialog.siteIDs.compactMap { id in state.fleet?.sites.first { $0.config.id == id } }
        let names = sites.map { "\($0.config.id) \($0.config.name) (\($0.config.region))" }
        let title = "\(verb) " + (dialog.service.map { "\($0) at " } ?? "") + (names.count == 1 ? names[0] : "\(names.count) sites")
        if names.count > 1 { lines.append((names.joined(separator: ", "), .dialog, false)) }
        if sites.contains(where: { $0.reachability != .ok }) {
            lines.append(("warning: an agent is not answering; the request may fail", .warn, true))
        }
        let impact = dialog.impact
        if dialog.kind == .drain {
            let share = impact.fleetQPS > 0 ? impact.movingQPS / impact.fleetQPS : nil
            lines.append(("now \(NumberFormat.compactRate(impact.movingQPS)) qps, \(NumberFormat.percent(share)) of the fleet's \(NumberFormat.compactRate(impact.fleetQPS)) qps", .dialog, true))
            if impact.receivers.isEmpty {
                lines.append(("no other active site to take the traffic", .critical, true))
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
            lines.append(("disruption budget:", .dialog, false))
            for l in dialog.verdict.lines {
                lines.append(("  " + l.description + (l.isViolated ? "" : "  ok"), l.isViolated ? .critical : .ok, l.isViolated))
            }
        } else {
            lines.append(("the site's prefixes will be announced again and it will take traffic", .dialog, false))
        }
        lines.append(("", .dialog, false))
        let reasonLabel = dialog.kind == .drain ? "reason: " : "reason (optional): "
        let stepRole: (DrainDialog.Step) -> StyleRole = { $0 == dialog.step ? .input : .dialog }
        lines.append((reasonLabel + dialog.reason + (dialog.step == .reason ? "█" : ""), stepRole(.reason), false))
        if dialog.step != .reason {
            lines.append(("type \(dialog.expectedConfirmation) to confirm: " + dialog.confirmation + (dialog.step == .confirm ? "█" : ""), stepRole(.confirm), false))
        }
        if dialog.step == .override {
            lines.append(("THE BUDGET REFUSES THIS DRAIN. Type \(DrainDialog.overrideWord) to drain anyway (logged): " + dialog.overrideText + "█", .critical, true))
        }
        if let e = dialog.error { lines.append((e, .critical, true)) }
        let hint = switch dialog.step {
        case .reason: "type the reason, Enter to continue · Esc cancels"
        case .confirm: "Enter sends · Esc cancels"
        case .override: "Enter overrides · Esc cancels"
        }
        lines.append((hint, .muted, false))

        let width = min(grid.width - 2, max(60, min(90, (lines.map { DisplayWidth.of($0.0) }.max() ?? 40) + 4)))
        let height = min(grid.height - 2, lines.count + 2)
        let rect = Rect(x: (grid.width - width) / 2, y: max(1, (grid.height - height) / 2), width: width, height: height)
        grid.fill(rect, with: Cell(" ", role: .dialog))
        grid.box(rect, role: .dialogBorder, title: title, titleRole: .dialogBorder)
        // When the screen is short, keep the input lines (the end of the list) visible.
        let room = rect.height - 2
        let shown = lines.count > room ? Array(lines.suffix(room)) : lines
        for (i, (text, role, bold)) in shown.enumerated() {
            grid.put(text, x: rect.x + 2, y: rect.y + 1 + i, role: role, bold: bold, maxWidth: rect.width - 4)
        }
    }
}
