/// The fleet-wide timeline, newest first.
enum EventLogView {
    static func role(_ level: DashboardLogEntry.Level) -> StyleRole {
        switch level {
        case .info: .text
        case .warning: .warn
        case .critical: .critical
        case .action: .accent
        }
    }

    static func draw(_ state: DashboardState, in area: Rect, into grid: inout CellGrid) {
        let title = " EVENTS · \(state.log.count) · what polling saw change and what operators did here "
        let w = grid.put(title, x: area.x, y: area.y, role: .accent, bold: true, maxWidth: area.width)
        if w < area.width { grid.put(String(repeating: "─", count: area.width - w), x: area.x + w, y: area.y, role: .border) }
        let entries = Array(state.log).reversed().dropFirst(state.eventsScroll)
        guard !entries.isEmpty else {
            grid.put("nothing has happened yet", x: area.x + 2, y: area.y + 1, role: .muted)
            return
        }
        var y = area.y + 1
        for e in entries {
            guard y < area.maxY else { break }
            var x = area.x + 1
            x += grid.put(ViewFormat.time(e.time) + "  ", x: x, y: y, role: .muted)
            x += grid.put(DisplayWidth.pad(e.siteID ?? "fleet", to: 8), x: x, y: y, role: .title, bold: true)
            grid.put(e.message, x: x, y: y, role: role(e.level), bold: e.level == .critical, maxWidth: area.maxX - x)
            y += 1
        }
    }
}
