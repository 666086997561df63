import AnycastCore
import Foundation

/// The lease extension dialog (`e`): the leases now, the time to add, and when they would end.
enum LeaseDialogView {
    static func draw(_ dialog: LeaseDialog, state: DashboardState, into grid: inout CellGrid) {
        let what = (dialog.service.map { "\($0) at " } ?? "") + (dialog.siteIDs.count == 1 ? dialog.siteIDs[0] : "\(dialog.siteIDs.count) sites")
        let title = "Extend the lease: \(what)"
        var lines: [(String, StyleRole, Bool)] = []
        let ends = DashboardUpdate.leaseEnds(state, dialog)
        let sites = dialog.siteIDs.compactMap { id in state.fleet?.sites.first { $0.config.id == id } }
        for site in sites {
            for s in site.status?.services ?? [] where (dialog.service == nil || s.name == dialog.service) && s.desired == .drain && s.drain?.mode == .operator {
                let now = s.drain?.leaseUntil.map { "lease ends \(ViewFormat.clock($0)), in \(NumberFormat.span(max(0, $0.timeIntervalSince(state.now)), roundUp: true))" }
                    ?? "no lease: drained until someone undrains"
                lines.append(("\(site.config.id) \(s.name): \(now)", .dialog, false))
            }
        }
        if let max = dialog.maxLease { lines.append(("the agent's max_lease: \(NumberFormat.span(max)) from now", .muted, false)) }
        lines.append(("", .dialog, false))
        var bottom: [(String, StyleRole, Bool)] = []
        let longest = lines.map { DisplayWidth.of($0.0) }.max() ?? 40
        let width = min(grid.width - 2, max(50, min(80, longest + 4)))
        let inner = max(1, width - 4)
        bottom.append((ViewFormat.scrolled("add (e.g. 1h, 30m): ", dialog.duration, cursor: true, width: inner), .input, false))
        if let seconds = (try? LeaseDuration.seconds(dialog.duration)), let end = LeaseDialog.newEnd(ends, adding: seconds, now: state.now) {
            bottom.append(("then ends \(ViewFormat.clock(end)), in \(NumberFormat.span(end.timeIntervalSince(state.now), roundUp: true))", .dialog, false))
        }
        if let e = dialog.error {
            bottom += TextWrap.lines(e, columns: inner, maxLines: 4).map { ($0, StyleRole.critical, true) }
        }
        let hints = ["Enter extends · Esc cancels", "Esc cancels"]
        bottom.append((hints.first { DisplayWidth.of($0) <= inner } ?? hints[1], .muted, false))

        DialogFrame.draw(title: title, width: width, top: lines, bottom: bottom, into: &grid)
    }
}
