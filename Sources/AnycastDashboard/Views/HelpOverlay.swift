/// `?`: every key, in a box over the current view.
enum HelpOverlay {
    // Each description fits one line of an 80-column help, so every key shows at 80×24.
    static let lines: [(String, String)] = [
        ("←↓↑→ h j k l", "move the selection"),
        ("PgUp PgDn Home End", "page, first, last"),
        ("Enter", "site detail; an event or a drain note whole"),
        ("Esc", "back; clear marks or filter; cancel a dialog"),
        ("Tab  Shift-Tab", "next / previous view: fleet, table, detail, events"),
        ("v", "fleet panels / table"),
        ("/", "filter: words, region=eu, status=drained; Esc clears"),
        ("s  S", "sort: region, name, qps, latency, status; S reverses"),
        ("f", "freeze the order (rows stop moving); again: unfreeze"),
        ("space", "mark a site (d drains the marked sites as one set)"),
        ("d", "drain the site or marked sites; in detail, a service"),
        ("Tab (drain dialog)", "lease (2h, 90m; blank: none), ticket, stage"),
        ("u", "undrain"),
        ("w", "withdraw a de-preferred site now, not waiting"),
        ("e", "extend a drained site's lease (by 1h, 30m, ...)"),
        ("r", "poll every site now"),
        ("t", "next colour theme"),
        (":", "a command (below); Tab completes, ↑↓ history"),
        ("?", "this help (↑↓ scroll it)"),
        ("q  Ctrl-C", "quit"),
        (":drain SITE", "the drain dialog, as d (:undrain SITE as u)"),
        (":sort KEY asc|desc", "KEY: region name site qps latency p99 status"),
        (":filter region=eu", "as /; :filter alone clears it"),
        (":columns a,b,c", "the table's columns in order: site,qps,note"),
        (":view table", "fleet, table, detail or events"),
        (":theme light", "a colour theme by name"),
        (":freeze :help :q", "as f, ?, q"),
        ("click", "select; a heading sorts, again reverses it"),
        ("click below", "a view's tab, or a key shown there"),
        ("double-click", "site detail"),
        ("wheel", "scroll"),
    ]

    static func draw(_ state: DashboardState, into grid: inout CellGrid) {
        let widest = lines.map { DisplayWidth.of($0.1) }.max() ?? 0
        let width = min(grid.width - 2, widest + 25)
        let rows = Self.rows(descriptionWidth: width - 25)
        let height = min(grid.height - 2, rows.count + 4)
        let rect = Rect(x: (grid.width - width) / 2, y: max(1, (grid.height - height) / 2), width: width, height: height)
        grid.fill(rect, with: Cell(" ", role: .dialog))
        grid.box(rect, role: .dialogBorder, title: "Keys", titleRole: .dialogBorder)
        var y = rect.y + 1
        let fits = max(1, rect.height - 4)
        let top = min(state.helpScroll, max(0, rows.count - fits))
        for (key, what) in rows.dropFirst(top) {
            guard y < rect.maxY - 2 else { break }
            grid.put(DisplayWidth.pad(key, to: 20), x: rect.x + 2, y: y, role: .accent, bold: true)
            grid.put(what, x: rect.x + 23, y: y, role: .dialog, maxWidth: rect.width - 25)
            y += 1
        }
        let more = rows.count > fits ? (top + fits < rows.count ? "↓ more · " : "↑ · ") : ""
        let mode = more + (state.mode == .monitor ? "MONITOR mode: read-only, d, u, w and e do nothing" : "any other key closes this help")
        grid.put(mode, x: rect.x + 2, y: rect.maxY - 2, role: .dialog, maxWidth: rect.width - 4)
    }

    /// The help's rows: a description too wide for the box goes on at word boundaries in the
    /// rows below it, so a narrow terminal shows every word.
    static func rows(descriptionWidth: Int) -> [(String, String)] {
        var rows: [(String, String)] = []
        for (key, what) in lines {
            var line = ""
            var first = true
            for word in what.split(separator: " ") {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                if DisplayWidth.of(candidate) > descriptionWidth, !line.isEmpty {
                    rows.append((first ? key : "", line))
                    first = false
                    line = String(word)
                } else {
                    line = candidate
                }
            }
            rows.append((first ? key : "", line))
        }
        return rows
    }
}
