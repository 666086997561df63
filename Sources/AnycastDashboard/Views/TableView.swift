import AnycastCore

/// One line per site; scrolls; stays fast with thousands of sites (only visible rows are drawn).
enum TableView {
    struct Column {
        let title: String
        let width: Int
        let right: Bool
    }

    static func draw(_ state: DashboardState, in area: Rect, into grid: inout CellGrid) {
        let sites = state.visibleSites
        var columns = [
            Column(title: "", width: 1, right: false), Column(title: "SITE", width: 7, right: false),
            Column(title: "NAME", width: 13, right: false), Column(title: "REGION", width: 6, right: false),
            Column(title: "STATUS", width: 14, right: false), Column(title: "QPS", width: 6, right: true),
            Column(title: "SHARE", width: 6, right: true), Column(title: "TREND", width: 10, right: false),
            Column(title: "PEERS", width: 5, right: true), Column(title: "P50", width: 5, right: true),
            Column(title: "P99", width: 5, right: true), Column(title: "AGE", width: 5, right: true),
        ]
        // Narrow terminals drop the least needed columns first, keeping room for the note;
        // the site, its status and its rate always stay.
        for optional in ["TREND", "SHARE", "P99", "NAME", "AGE", "P50", "REGION", "PEERS"] where columns.reduce(0, { $0 + $1.width + 1 }) + 16 > area.width {
            columns.removeAll { $0.title == optional }
        }
        let fixed = columns.reduce(0) { $0 + $1.width + 1 }
        columns.append(Column(title: "NOTE", width: max(0, area.width - fixed), right: false))
        var x = area.x
        for c in columns {
            grid.put(DisplayWidth.pad(c.title, to: c.width, alignRight: c.right), x: x, y: area.y, role: .title, bold: true)
            x += c.width + 1
        }
        let rows = max(0, area.height - 1)
        guard !sites.isEmpty, rows > 0 else {
            grid.put(state.fleet == nil ? "waiting for the first poll…" : "no site matches", x: area.x + 2, y: area.y + 1, role: .muted)
            return
        }
        let selected = sites.firstIndex { $0.config.id == state.selectedSiteID } ?? 0
        let top = min(max(0, selected - rows / 2), max(0, sites.count - rows))
        let total = state.summary.totalQPS
        for (row, i) in (top..<min(sites.count, top + rows)).enumerated() {
            let s = sites[i]
            let y = area.y + 1 + row
            let (badge, badgeRole) = ViewFormat.badge(s, pending: state.pending[s.config.id])
            let est = s.status?.establishedPeerCount ?? 0, peerTotal = s.status?.peers.count ?? 0
            let peerRole: StyleRole = peerTotal == 0 ? .muted : (est == peerTotal ? .ok : (est == 0 ? .critical : .warn))
            var note = ""
            var noteRole = StyleRole.muted
            if let lock = state.coordination?.lock(of: s.config.id) { note = CoordinationText.lock(lock); noteRole = .warn }
            else if s.reachability != .ok, let record = state.coordination?.record(of: s.config.id) {
                note = (s.lastError.map { $0 + "; " } ?? "") + CoordinationText.record(record, now: state.now)
                noteRole = s.reachability == .unreachable ? .critical : .warn
            }
            else if s.reachability != .ok, let e = s.lastError { note = e; noteRole = s.reachability == .unreachable ? .critical : .warn }
            else if let d = SiteDrain(s) {
                note = DrainText.note(d, site: s, now: state.now)
                noteRole = .drained
            }
            else if let p = state.pending[s.config.id] { note = p.label }
            else if let e = s.status?.errors.first { note = "\(e.source): \(e.message)"; noteRole = .warn }
            let age = s.dataAge(now: state.now).map { $0 > 3 || s.reachability != .ok ? NumberFormat.age($0) : "" } ?? "-"
            let share = (total > 0 && s.qps != nil) ? NumberFormat.percent(s.qps! / total) : "-"
            let isSelected = i == selected
            let values: [String: (String, StyleRole)] = [
                "": (state.marks.contains(s.config.id) ? "●" : (isSelected ? "▶" : " "), .mark),
                "SITE": (s.config.id, .text), "NAME": (s.config.name, .text), "REGION": (s.config.region, .muted),
                "STATUS": (badge, badgeRole), "QPS": (NumberFormat.compactRate(s.qps), .text), "SHARE": (share, .muted),
                "TREND": (Sparkline.line(Sparkline.columns(s.history.recent(44), width: 10, secondsPerColumn: 4), width: 10), .sparkline),
                "PEERS": (peerTotal == 0 ? "-" : "\(est)/\(peerTotal)", peerRole),
                "P50": (NumberFormat.milliseconds(s.status?.latency.p50Ms), .text), "P99": (NumberFormat.milliseconds(s.status?.latency.p99Ms), .text),
                "AGE": (age, .warn), "NOTE": (note, noteRole),
            ]
            let cells = columns.map { values[$0.title] ?? ("", .text) }
            var cx = area.x
            for (c, (text, role)) in zip(columns, cells) {
                grid.putField(text, x: cx, y: y, width: c.width, alignRight: c.right,
                              role: s.reachability == .unreachable && role == .text ? .muted : role, bold: c.title == "STATUS")
                cx += c.width + 1
            }
            if isSelected { grid.restyle(Rect(x: area.x, y: y, width: area.width, height: 1), role: .selection) }
        }
        // The position goes over the NOTE heading, never over another column's.
        if sites.count > rows, let note = columns.last {
            let last = min(sites.count, top + rows)
            let text = [" \(top + 1)-\(last) of \(sites.count) ", " \(last)/\(sites.count) "].first { DisplayWidth.of($0) <= note.width - 4 }
            if let text { grid.put(text, x: area.maxX - DisplayWidth.of(text), y: area.y, role: .muted) }
        }
    }
}
