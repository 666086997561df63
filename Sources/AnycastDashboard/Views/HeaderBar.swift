import AnycastCore

/// The top line: fleet, mode badge, site counts, traffic, latency, clock, poll health.
enum HeaderBar {
    static func draw(_ state: DashboardState, into grid: inout CellGrid) {
        grid.fill(Rect(x: 0, y: 0, width: grid.width, height: 1), with: Cell(" ", role: .header))
        var x = grid.width >= 150 ? grid.put(" anycast-dash ", x: 0, y: 0, role: .header, bold: true) : 0
        x += grid.put(" " + state.fleetName + " ", x: x, y: 0, role: .header, bold: true)
        x += grid.put(" \(state.mode.badge) ", x: x, y: 0, role: state.mode == .live ? .liveBadge : .monitorBadge, bold: true)
        x += grid.put(" ", x: x, y: 0, role: .header)
        // The right side (poll health and clock) is laid out first so it always shows; the
        // counts give way when the line is short.
        let health = state.fleet?.pollHealth
        var poll = "polling…"
        if let h = health, h.cycles > 0 {
            poll = h.missedCycles > 0 ? "poll \(h.missedCycles) missed" : "poll ok \(Int(((h.lastCycleSeconds ?? 0) * 1000).rounded())) ms"
        }
        var right = " \(poll) │ \(ViewFormat.clock(state.now)) "
        if grid.width - x - DisplayWidth.of(right) < 48 { right = " \(ViewFormat.clock(state.now)) " }
        let rightX = grid.width - DisplayWidth.of(right)
        grid.put(right, x: rightX, y: 0, role: health.map { $0.missedCycles > 0 } == true ? .warn : .header)

        let sum = state.summary
        let (active, drained, unreachable) = (sum.active, sum.drained, sum.unreachable)
        var long = "\(sum.sites) sites: \(active) active"
        var short = "\(active) active"
        if drained > 0 { long += " · \(drained) drained"; short += " · \(drained) drained" }
        if unreachable > 0 { long += " · \(unreachable) unreachable"; short += " · \(unreachable) unreach." }
        let other = sum.sites - active - drained - unreachable
        if other > 0 { long += " · \(other) other"; short += " · \(other) other" }
        let total = state.fleet == nil ? "-" : NumberFormat.compactRate(sum.totalQPS)
        let p50 = sum.p50Ms.map { NumberFormat.milliseconds($0) + " ms" } ?? "-"
        let room = rightX - x - 1
        let candidates = [
            long + " │ \(total) qps │ p50 \(p50)", short + " │ \(total) qps │ p50 \(p50)", short + " │ \(total) qps", short,
        ]
        let text = candidates.first { DisplayWidth.of($0) <= room } ?? DisplayWidth.truncate(short, to: room)
        grid.put(text, x: x, y: 0, role: .header, maxWidth: room)
    }
}
