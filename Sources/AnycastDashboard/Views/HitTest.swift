/// What is drawn at a cell of the screen, for the mouse: computed from the same layouts the
/// views draw with, so a click lands on what the operator sees there.
public enum HitTest {
    public enum Target: Sendable, Hashable {
        /// A site's panel or row.
        case site(String)
        /// A column's heading in the table.
        case heading(TableColumn)
        /// A tab or a key on the bottom line.
        case footer(StatusBar.Action)
    }

    public static func target(_ state: DashboardState, x: Int, y: Int) -> Target? {
        guard state.width >= DashboardView.minimumSize.width, state.height >= DashboardView.minimumSize.height else { return nil }
        if y == state.height - 1 {
            guard state.prompt == nil, !state.editingFilter, state.status == nil else { return nil }
            return StatusBar.items(state, width: state.width)
                .first { $0.action != nil && x >= $0.x && x < $0.x + DisplayWidth.of($0.text) }?.action.map(Target.footer)
        }
        let area = Rect(x: 0, y: 1, width: state.width, height: state.height - 2)
        guard y >= area.y, y < area.maxY else { return nil }
        switch state.screen {
        case .table:
            let sites = state.visibleSites
            if y == area.y {
                return TableView.columns(state, in: area).first { p in p.column != nil && x >= p.x && x < p.x + max(1, p.width) }?.column.map(Target.heading)
            }
            let (top, rows) = TableView.window(state, rows: sites.count, in: area)
            let i = top + (y - area.y - 1)
            guard y - area.y - 1 < rows, sites.indices.contains(i) else { return nil }
            return .site(sites[i].config.id)
        case .fleet:
            let sites = state.visibleSites
            guard !sites.isEmpty else { return nil }
            let layout = FleetLayout(sites: sites, width: area.width, groupByRegion: state.sort == .region)
            let height = layout.contentHeight > area.height ? area.height - 1 : area.height
            let offset = layout.scrollOffset(showing: state.selectedSiteID, height: height)
            for case .panel(let id, _, let rect, _, _) in layout.items {
                let r = Rect(x: area.x + rect.x, y: area.y + rect.y - offset, width: rect.width, height: rect.height)
                guard r.y >= area.y, r.maxY <= area.y + height else { continue }
                if x >= r.x, x < r.maxX, y >= r.y, y < r.maxY { return .site(id) }
            }
            return nil
        case .detail, .events:
            return nil
        }
    }
}
