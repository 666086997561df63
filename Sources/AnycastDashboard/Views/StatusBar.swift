/// The bottom line: the command or filter being typed, a message, or the views' tabs and the
/// keys that matter here (each of which a click presses).
public enum StatusBar {
    /// What a click on the bottom line does.
    public enum Action: Sendable, Hashable {
        /// Switch to the fleet panels, the table or the event log.
        case view(DashboardCommand.View)
        /// As if the key were pressed.
        case key(KeyPress)
    }

    /// A piece of the bottom line and where it is.
    struct Item: Sendable, Hashable {
        var text: String
        var x: Int
        var role: StyleRole
        var bold = false
        var reverse = false
        var action: Action?
    }

    static func draw(_ state: DashboardState, into grid: inout CellGrid) {
        let y = grid.height - 1
        guard y > 0 else { return }
        grid.fill(Rect(x: 0, y: y, width: grid.width, height: 1), with: Cell(" ", role: .header))
        if let prompt = state.prompt {
            let x = grid.put(":", x: 0, y: y, role: .header, bold: true)
            grid.put(ViewFormat.scrolled("", prompt.text, cursor: true, width: grid.width - x - 1), x: x, y: y, role: .input)
            return
        }
        if state.editingFilter {
            let x = grid.put(" filter: ", x: 0, y: y, role: .header, bold: true)
            grid.put(ViewFormat.scrolled("", state.filter, cursor: true, width: grid.width - x - 1), x: x, y: y, role: .input)
            return
        }
        if let s = state.status {
            let role: StyleRole = switch s.level { case .info: .header; case .warning: .warn; case .error: .critical }
            grid.put(" " + s.text, x: 0, y: y, role: role, bold: s.level != .info)
            return
        }
        for item in items(state, width: grid.width) {
            grid.put(item.text, x: item.x, y: y, role: item.role, bold: item.bold, reverse: item.reverse)
        }
    }

    /// The bottom line's pieces when nothing is typed and no message shows: the tabs, what
    /// narrows the view (filter, marks, frozen order, read-only), the keys, and help and quit at
    /// the right end.
    static func items(_ state: DashboardState, width: Int) -> [Item] {
        var out: [Item] = []
        let always = "? help  q quit "
        let limit = width - DisplayWidth.of(always)
        if limit > 0 {
            out.append(Item(text: "? help", x: limit, role: .header, action: .key(.character("?"))))
            out.append(Item(text: "q quit", x: limit + 8, role: .header, action: .key(.character("q"))))
        }
        var x = 1
        func add(_ text: String, _ role: StyleRole, bold: Bool = false, reverse: Bool = false, action: Action? = nil, gap: Int = 2) -> Bool {
            let w = DisplayWidth.of(text)
            guard x + w + 2 <= limit else { return false }
            out.append(Item(text: text, x: x, role: role, bold: bold, reverse: reverse, action: action))
            x += w + gap
            return true
        }
        // The views, the one shown reversed.
        let current: DashboardCommand.View = switch state.screen {
        case .fleet: .fleet
        case .table: .table
        case .detail: .detail
        case .events: .events
        }
        for v in [DashboardCommand.View.fleet, .table, .events] {
            _ = add(" \(v.rawValue) ", .header, bold: v == current, reverse: v == current, action: .view(v), gap: 0)
        }
        x += 2
        if !state.filter.isEmpty { _ = add("[/\(state.filter)]", .accent, gap: 1) }
        if !state.marks.isEmpty { _ = add("[\(state.marks.count) marked]", .mark, gap: 1) }
        if state.frozenOrder != nil { _ = add("[frozen]", .warn, bold: true, action: .key(.character("f")), gap: 1) }
        if state.mode == .monitor { _ = add("read-only", .monitorBadge, gap: 2) }
        for (text, key) in hints(state) {
            guard add(text, .header, action: .key(key)) else { break }
        }
        return out
    }

    /// The keys worth showing on this screen, with the key each one presses.
    static func hints(_ state: DashboardState) -> [(String, KeyPress)] {
        var hints: [(String, KeyPress)]
        switch state.screen {
        case .detail: hints = [("Esc back", .escape), ("↑↓ service", .down), ("Enter note", .enter), ("d drain", .character("d")), ("u undrain", .character("u"))]
        case .events: hints = [("Esc back", .escape), ("↑↓ scroll", .down), ("Enter read", .enter), ("/ filter", .character("/"))]
        default:
            hints = [("Enter detail", .enter), ("space mark", .character(" ")), ("d drain", .character("d")), ("u undrain", .character("u")),
                     ("/ filter", .character("/")), ("s sort:\(state.sort.rawValue)\(state.sortReversed ? " rev" : "")", .character("s")),
                     (": command", .character(":"))]
        }
        // The keys of a drain's later life, where the selected site has one.
        if state.screen != .events, let site = state.selectedSite, site.status?.agent.drainLifecycle == true {
            let at = (hints.firstIndex { $0.0 == "u undrain" } ?? hints.count - 1) + 1
            var extra: [(String, KeyPress)] = []
            if SiteDrain.isDepreferred(site) { extra.append(("w withdraw now", .character("w"))) }
            if SiteDrain.hasOperatorDrain(site) { extra.append(("e extend", .character("e"))) }
            hints.insert(contentsOf: extra, at: min(at, hints.count))
        }
        if state.mode == .monitor {
            let changes = ["d ", "u ", "w ", "e ", "space"]
            hints.removeAll { hint in changes.contains { hint.0.hasPrefix($0) } }
        }
        hints.append(("t theme", .character("t")))
        return hints
    }
}
