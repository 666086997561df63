/// The whole screen as a pure function of the state and its size.
public enum DashboardView {
    /// Narrowest usable terminal.
    public static let minimumSize = (width: 80, height: 24)

    public static func render(_ state: DashboardState) -> CellGrid {
        var grid = CellGrid(width: state.width, height: state.height)
        guard state.width >= 20, state.height >= 5 else {
            grid.put("terminal too small", x: 0, y: 0, role: .warn)
            return grid
        }
        HeaderBar.draw(state, into: &grid)
        let area = Rect(x: 0, y: 1, width: state.width, height: state.height - 2)
        switch state.screen {
        case .fleet: FleetView.draw(state, in: area, into: &grid)
        case .table: TableView.draw(state, in: area, into: &grid)
        case .detail(let id): DetailView.draw(state, siteID: id, in: area, into: &grid)
        case .events: EventLogView.draw(state, in: area, into: &grid)
        }
        StatusBar.draw(state, into: &grid)
        if let dialog = state.dialog { DrainDialogView.draw(dialog, state: state, into: &grid) }
        if state.showHelp { HelpOverlay.draw(state, into: &grid) }
        return grid
    }
}
