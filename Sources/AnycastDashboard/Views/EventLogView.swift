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
        let shown = DashboardLogEntry.shown(state.log, filter: state.filter)
        let count = state.filter.isEmpty ? "\(state.log.count)" : "\(shown.count) of \(state.log.count) matching /\(state.filter)"
        let title = " EVENTS · \(count) · what polling saw change and what operators did here "
        let w = grid.put(title, x: area.x, y: area.y, role: .accent, bold: true, maxWidth: area.width)
        if w < area.width { grid.put(String(repeating: "─", count: area.width - w), x: area.x + w, y: area.y, role: .border) }
        let entries = shown.dropFirst(min(state.eventsScroll, max(0, shown.count - 1)))
        guard !entries.isEmpty else {
            grid.put(state.filter.isEmpty ? "nothing has happened yet" : "no event matches /\(state.filter)", x: area.x + 2, y: area.y + 1, role: .muted)
            return
        }
        var y = area.y + 1
        for (n, e) in entries.enumerated() {
            guard y < area.maxY else { break }
            // The top entry is the one Enter opens.
            if n == 0 { grid.put("▶", x: area.x, y: y, role: .mark) }
            var x = area.x + 1
            x += grid.put(ViewFormat.time(e.time) + "  ", x: x, y: y, role: .muted)
            x += grid.put(DisplayWidth.pad(e.siteID ?? "fleet", to: 8), x: x, y: y, role: .title, bold: true)
            // Wrapped under its start, so the end of a long line (a budget override's rules)
            // is read, not cut.
            let room = area.maxX - x
            let lines = room >= 12 ? TextWrap.lines(e.message, columns: room, maxLines: 6) : [e.message]
            for line in lines {
                guard y < area.maxY else { break }
                grid.put(line, x: x, y: y, role: role(e.level), bold: e.level == .critical, maxWidth: room)
                y += 1
            }
        }
    }
}
