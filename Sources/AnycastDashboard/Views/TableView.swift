import AnycastCore

/// One line per site, in the columns the operator chose; scrolls; stays fast with thousands of
/// sites (only visible rows are drawn).
enum TableView {
    /// Where each column is: the mark column (`column` nil) first.
    struct Placed: Sendable, Hashable {
        var column: TableColumn?
        var x: Int
        var width: Int
    }

    /// The columns as drawn in `area`: the chosen ones, the least needed given up on a narrow
    /// terminal, NOTE (when chosen) taking the spare width.
    static func columns(_ state: DashboardState, in area: Rect) -> [Placed] {
        var chosen = state.columns.isEmpty ? TableColumn.standard : state.columns
        let hasNote = chosen.contains(.note)
        let fixed = { chosen.reduce(2) { $0 + ($1 == .note ? 0 : $1.width + 1) } }
        for optional in TableColumn.narrowingOrder where fixed() + (hasNote ? 16 : 0) > area.width && chosen.count > 1 {
            chosen.removeAll { $0 == optional }
        }
        let spare = max(0, area.width - fixed())
        var placed = [Placed(column: nil, x: area.x, width: 1)]
        var x = area.x + 2
        for c in chosen {
            let w = c == .note ? spare : c.width
            placed.append(Placed(column: c, x: x, width: w))
            x += w + 1
        }
        return placed
    }

    /// The first row shown, and how many rows fit, for `sites` rows in `area`.
    static func window(_ state: DashboardState, rows sites: Int, in area: Rect) -> (top: Int, rows: Int) {
        let rows = max(0, area.height - 1)
        let selected = state.visibleSites.firstIndex { $0.config.id == state.selectedSiteID } ?? 0
        return (min(max(0, selected - rows / 2), max(0, sites - rows)), rows)
    }

    /// A column's heading: its title, with ▼ or ▲ on the column the rows are sorted by.
    /// A title that leaves no room for the arrow gives up its last letter.
    static func heading(_ c: TableColumn, state: DashboardState) -> String {
        guard let key = c.sortKey, key == state.sort, c != .share else { return c.title }
        let arrow = key.naturallyDescending != state.sortReversed ? "▼" : "▲"
        let room = c == .note ? c.title.count + 1 : max(1, c.width)
        return String(c.title.prefix(room - 1)) + arrow
    }

    static func draw(_ state: DashboardState, in area: Rect, into grid: inout CellGrid) {
        let sites = state.visibleSites
        let columns = Self.columns(state, in: area)
        for p in columns {
            guard let c = p.column else { continue }
            let sorted = c.sortKey == state.sort && c != .share
            grid.put(DisplayWidth.pad(heading(c, state: state), to: p.width, alignRight: c.alignRight), x: p.x, y: area.y,
                     role: sorted ? .accent : .title, bold: true, maxWidth: p.width)
        }
        let (top, rows) = window(state, rows: sites.count, in: area)
        guard !sites.isEmpty, rows > 0 else {
            grid.put(state.fleet == nil ? "waiting for the first poll…" : "no site matches", x: area.x + 2, y: area.y + 1, role: .muted)
            return
        }
        let selected = sites.firstIndex { $0.config.id == state.selectedSiteID } ?? 0
        let total = state.summary.totalQPS
        let filter = state.siteFilter
        for (row, i) in (top..<min(sites.count, top + rows)).enumerated() {
            let s = sites[i]
            let y = area.y + 1 + row
            let isSelected = i == selected
            for p in columns {
                let (text, role) = cell(p.column, site: s, state: state, selected: isSelected, total: total)
                grid.putField(text, x: p.x, y: y, width: p.width, alignRight: p.column?.alignRight ?? false,
                              role: s.reachability == .unreachable && role == .text ? .muted : role, bold: p.column == .status)
                if !filter.isEmpty, let field = matchField(p.column), p.width > 0 {
                    for r in filter.highlights(in: text, field: field) {
                        let from = DisplayWidth.of(String(text[..<r.lowerBound]))
                        let w = DisplayWidth.of(String(text[r]))
                        grid.emphasize(x: p.x + from, y: y, width: min(w, p.width - from))
                    }
                }
            }
            if isSelected { grid.restyle(Rect(x: area.x, y: y, width: area.width, height: 1), role: .selection) }
        }
        // The position, and whether the order is frozen, go at the right of the headings, over
        // NOTE's (or the last column's) and never over another's.
        let frozen = state.frozenOrder == nil ? "" : " frozen (f) "
        let position = sites.count > rows ? [" \(top + 1)-\(min(sites.count, top + rows)) of \(sites.count) ", " \(min(sites.count, top + rows))/\(sites.count) "] : [""]
        if let last = columns.last, let column = last.column {
            let room = last.width - DisplayWidth.of(heading(column, state: state)) - 1
            // The frozen marker first; the position in its longest form that still fits beside it.
            let marker = DisplayWidth.of(frozen) <= room ? frozen : ""
            let place = position.first { DisplayWidth.of(marker + $0) <= room } ?? ""
            var x = last.x + last.width - DisplayWidth.of(marker + place)
            x += grid.put(marker, x: x, y: area.y, role: .warn, bold: true)
            grid.put(place, x: x, y: area.y, role: .muted)
        }
    }

    /// Which filter field a column shows, for highlighting matches.
    static func matchField(_ c: TableColumn?) -> SiteFilter.Field? {
        switch c {
        case .site?: .site
        case .name?: .name
        case .region?: .region
        case .status?: .status
        default: nil
        }
    }

    /// A site's cell in column `c` (nil: the mark column), and its role.
    static func cell(_ c: TableColumn?, site s: SiteSnapshot, state: DashboardState, selected: Bool, total: Double) -> (String, StyleRole) {
        guard let c else { return (state.marks.contains(s.config.id) ? "●" : (selected ? "▶" : " "), .mark) }
        switch c {
        case .site: return (s.config.id, .text)
        case .name: return (s.config.name, .text)
        case .region: return (s.config.region, .muted)
        case .status: return ViewFormat.badge(s, pending: state.pending[s.config.id])
        case .qps: return (NumberFormat.compactRate(s.qps), .text)
        case .share: return ((total > 0 && s.qps != nil) ? NumberFormat.percent(s.qps! / total) : "-", .muted)
        case .trend:
            return (Sparkline.line(Sparkline.columns(s.history, last: 44, width: 10, secondsPerColumn: 4), width: 10), .sparkline)
        case .peers:
            let est = s.status?.establishedPeerCount ?? 0, peerTotal = s.status?.peers.count ?? 0
            let role: StyleRole = peerTotal == 0 ? .muted : (est == peerTotal ? .ok : (est == 0 ? .critical : .warn))
            return (peerTotal == 0 ? "-" : "\(est)/\(peerTotal)", role)
        case .p50: return (NumberFormat.milliseconds(s.status?.latency.p50Ms), .text)
        case .p99: return (NumberFormat.milliseconds(s.status?.latency.p99Ms), .text)
        case .age: return (s.dataAge(now: state.now).map { $0 > 3 || s.reachability != .ok ? NumberFormat.age($0) : "" } ?? "-", .warn)
        case .note: return note(s, state: state)
        }
    }

    /// Why the site is not simply active: its lock, what the store last heard from it, the
    /// agent's error, the drain, the change in progress, a backend's error.
    static func note(_ s: SiteSnapshot, state: DashboardState) -> (String, StyleRole) {
        if let lock = state.coordination?.lock(of: s.config.id) { return (CoordinationText.lock(lock), .warn) }
        if s.reachability != .ok, let record = state.coordination?.record(of: s.config.id) {
            return ((s.lastError.map { $0 + "; " } ?? "") + CoordinationText.record(record, now: state.now), s.reachability == .unreachable ? .critical : .warn)
        }
        if s.reachability != .ok, let e = s.lastError { return (e, s.reachability == .unreachable ? .critical : .warn) }
        if let d = SiteDrain(s) { return (DrainText.note(d, site: s, now: state.now), .drained) }
        if let p = state.pending[s.config.id] { return (p.label, .muted) }
        if let e = s.status?.errors.first { return ("\(e.source): \(e.message)", .warn) }
        return ("", .muted)
    }
}
