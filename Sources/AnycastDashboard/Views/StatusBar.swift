/// The bottom line: the filter being typed, a message, or the keys that matter here.
enum StatusBar {
    static func draw(_ state: DashboardState, into grid: inout CellGrid) {
        let y = grid.height - 1
        guard y > 0 else { return }
        grid.fill(Rect(x: 0, y: y, width: grid.width, height: 1), with: Cell(" ", role: .header))
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
        var hints: [String]
        switch state.screen {
        case .detail: hints = ["Esc back", "↑↓ service", "Enter note", "d drain", "u undrain", "Tab next view"]
        case .events: hints = ["Esc back", "↑↓ scroll", "Enter read", "/ filter", "Tab next view"]
        default: hints = ["Enter detail", "space mark", "d drain", "u undrain", "v view", "/ filter", "s sort:\(state.sort.rawValue)"]
        }
        // The keys of a drain's later life, where the selected site has one.
        if state.screen != .events, let site = state.selectedSite, site.status?.agent.drainLifecycle == true {
            let at = (hints.firstIndex(of: "u undrain") ?? hints.count - 1) + 1
            var extra: [String] = []
            if SiteDrain.isDepreferred(site) { extra.append("w withdraw now") }
            if SiteDrain.hasOperatorDrain(site) { extra.append("e extend") }
            hints.insert(contentsOf: extra, at: min(at, hints.count))
        }
        if state.mode == .monitor {
            hints.removeAll { $0.hasPrefix("d ") || $0.hasPrefix("u ") || $0.hasPrefix("w ") || $0.hasPrefix("e ") || $0.hasPrefix("space") }
        }
        hints.append("t theme")
        // Help and quit are kept at the right end, whatever else gives way.
        let always = "? help  q quit "
        let limit = grid.width - DisplayWidth.of(always)
        if limit > 0 { grid.put(always, x: limit, y: y, role: .header) }
        var x = 1
        if !state.filter.isEmpty { x += grid.put("[/\(state.filter)] ", x: x, y: y, role: .accent) }
        if !state.marks.isEmpty { x += grid.put("[\(state.marks.count) marked] ", x: x, y: y, role: .mark) }
        if state.mode == .monitor { x += grid.put("read-only  ", x: x, y: y, role: .monitorBadge) }
        for h in hints {
            let w = DisplayWidth.of(h) + 2
            if x + w > limit { break }
            x += grid.put(h + "  ", x: x, y: y, role: .header)
        }
    }
}
