import AnycastCore

/// The default view: a panel per site in a grid that reflows with the width, grouped by region.
enum FleetView {
    static func draw(_ state: DashboardState, in area: Rect, into grid: inout CellGrid) {
        let sites = state.visibleSites
        guard !sites.isEmpty else {
            let text = state.fleet == nil ? "waiting for the first poll…" : (state.filter.isEmpty ? "no sites" : "no site matches /\(state.filter)")
            grid.put(text, x: area.x + 2, y: area.y + 1, role: .muted)
            return
        }
        let layout = FleetLayout(sites: sites, width: area.width, groupByRegion: state.sort == .region)
        // When the panels don't all fit, the last line is the scroll position's own, so it
        // never covers a panel.
        let scrolls = layout.contentHeight > area.height
        let area = scrolls ? Rect(x: area.x, y: area.y, width: area.width, height: area.height - 1) : area
        let offset = layout.scrollOffset(showing: state.selectedSiteID, height: area.height)
        let totalQPS = state.summary.totalQPS
        for item in layout.items {
            switch item {
            case .heading(let region, let y):
                let sy = area.y + y - offset
                guard sy >= area.y, sy < area.maxY else { continue }
                let (count, qps) = state.summary.regions[region] ?? (0, 0)
                let min = state.budget.regionMinimums[region].map { ", min \($0) active" } ?? ""
                let text = "── \(region) · \(count) site\(count == 1 ? "" : "s") · \(NumberFormat.compactRate(qps)) qps\(min) "
                let w = grid.put(text, x: area.x, y: sy, role: .accent, bold: true, maxWidth: area.width)
                if w < area.width { grid.put(String(repeating: "─", count: area.width - w), x: area.x + w, y: sy, role: .border) }
            case .panel(_, let index, let rect, _, _):
                let r = Rect(x: area.x + rect.x, y: area.y + rect.y - offset, width: rect.width, height: rect.height)
                guard r.y >= area.y, r.maxY <= area.maxY else { continue }
                let site = sites[index]
                let share = totalQPS > 0 ? site.qps.map { $0 / totalQPS } : nil
                SitePanel.draw(site, in: r, state: state, share: share, into: &grid)
            }
        }
        if scrolls {
            let shown = min(area.height, layout.contentHeight - offset)
            let pct = Int(Double(offset + shown) / Double(layout.contentHeight) * 100)
            let text = "\(offset > 0 ? "↑ " : "")\(offset + shown < layout.contentHeight ? "↓ " : "")\(pct)% "
            grid.put(text, x: area.maxX - DisplayWidth.of(text), y: area.maxY, role: .muted)
        }
    }
}
