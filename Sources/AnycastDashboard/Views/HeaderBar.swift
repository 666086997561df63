import AnycastCore

/// The top line: fleet, mode badge, site counts, traffic, latency, clock, poll health.
enum HeaderBar {
    static func draw(_ state: DashboardState, into grid: inout CellGrid) {
        grid.fill(Rect(x: 0, y: 0, width: grid.width, height: 1), with: Cell(" ", role: .header))
        var x = grid.put(" anycast-dash ", x: 0, y: 0, role: .header, bold: true)
        x += grid.put(state.fleetName + " ", x: x, y: 0, role: .header)
        x += grid.put(" \(state.mode.badge) ", x: x, y: 0, role: state.mode == .live ? .liveBadge : .monitorBadge, bold: true)
        x += grid.put(" ", x: x, y: 0, role: .header)
        let sites = state.fleet?.sites ?? []
        let active = sites.count { $0.condition == .active }
        let drained = sites.count { [.drained, .draining, .autoWithdrawn].contains($0.condition) }
        let unreachable = sites.count { $0.condition == .unreachable }
        var parts: [(String, StyleRole)] = [("\(sites.count) sites: ", .header), ("\(active) active", .header)]
        if drained > 0 { parts.append((" · \(drained) drained", .header)) }
        if unreachable > 0 { parts.append((" · \(unreachable) unreachable", .header)) }
        let other = sites.count - active - drained - unreachable
        if other > 0 { parts.append((" · \(other) other", .header)) }
        let total = state.fleet.map { NumberFormat.compactRate($0.totalQPS) } ?? "-"
        let p50 = state.fleet.flatMap { ViewFormat.fleetP50($0.sites) }.map { NumberFormat.milliseconds($0) + " ms" } ?? "-"
        parts.append(("  │ \(total) qps │ p50 \(p50) │ ", .header))
        for (text, role) in parts { x += grid.put(text, x: x, y: 0, role: role) }
        // Right side: poll health and clock; dropped first when the line is short.
        let health = state.fleet?.pollHealth
        var poll = "polling…"
        if let h = health, h.cycles > 0 {
            poll = h.missedCycles > 0 ? "poll \(h.missedCycles) missed" : "poll ok \(Int(((h.lastCycleSeconds ?? 0) * 1000).rounded())) ms"
        }
        let right = "\(poll) │ \(ViewFormat.clock(state.now)) "
        let rx = grid.width - DisplayWidth.of(right)
        if rx > x {
            grid.put(right, x: rx, y: 0, role: .header)
        } else {
            let clock = ViewFormat.clock(state.now) + " "
            let cx = grid.width - DisplayWidth.of(clock)
            if cx > x { grid.put(clock, x: cx, y: 0, role: .header) }
        }
    }
}
