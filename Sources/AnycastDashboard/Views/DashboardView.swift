/// The whole screen as a pure function of the state and its size.
public enum DashboardView {
    /// The smallest terminal every view and dialog is laid out for (a tmux split); 80×24 and
    /// up shows everything.
    public static let minimumSize = (width: 40, height: 10)

    public static func render(_ state: DashboardState) -> CellGrid {
        var grid = CellGrid(width: state.width, height: state.height)
        render(state, into: &grid)
        return grid
    }

    /// The same frame, drawn over `grid` (blanked first, and resized if need be), so that a
    /// runtime can reuse a frame's storage.
    public static func render(_ state: DashboardState, into grid: inout CellGrid) {
        grid.reset(width: state.width, height: state.height)
        guard state.width >= minimumSize.width, state.height >= minimumSize.height else {
            drawTooSmall(state, into: &grid)
            return
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
        if let dialog = state.leaseDialog { LeaseDialogView.draw(dialog, state: state, into: &grid) }
        if let reader = state.reader { TextReaderView.draw(reader, into: &grid) }
        if state.showHelp { HelpOverlay.draw(state, into: &grid) }
    }

    /// Below the minimum: what is needed, what there is, and how to leave, as far as it fits.
    static func drawTooSmall(_ state: DashboardState, into grid: inout CellGrid) {
        let need = "\(minimumSize.width)×\(minimumSize.height)"
        let lines = [
            ["terminal too small", "too small"],
            ["need \(need)", need],
            ["have \(state.width)×\(state.height)"],
            ["q quits"],
        ]
        var y = max(0, (state.height - lines.count) / 2)
        for forms in lines where y < state.height {
            let text = forms.first { DisplayWidth.of($0) <= state.width } ?? forms[forms.count - 1]
            grid.put(text, x: max(0, (state.width - DisplayWidth.of(text)) / 2), y: y, role: .warn, bold: y == 0)
            y += 1
        }
    }
}
