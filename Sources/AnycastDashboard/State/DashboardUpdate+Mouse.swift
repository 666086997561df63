/// The mouse: click selects, double-click opens the detail, the wheel scrolls, a column's heading
/// sorts (again: the other way), the bottom line's tabs and keys act as pressed. A click never
/// confirms anything: dialogs take only the keyboard.
extension DashboardUpdate {
    /// Rows the wheel moves at a time.
    static let wheelStep = 3

    static func mouse(_ state: inout DashboardState, _ m: MouseEvent) -> [DashboardEffect] {
        // Over a dialog, a reader or the command line the mouse does nothing: what it would
        // click is covered, and a drain is confirmed only by what is typed.
        guard state.dialog == nil, state.leaseDialog == nil, state.reader == nil, state.prompt == nil, !state.editingFilter else { return [] }
        if state.showHelp {
            state.showHelp = false
            return []
        }
        switch m.action {
        case .wheelUp, .wheelDown:
            let down = m.action == .wheelDown
            switch state.screen {
            case .fleet, .table: navigate(&state, down ? .down : .up, times: state.screen == .table ? wheelStep : 1)
            case .events, .detail: navigate(&state, down ? .down : .up, times: wheelStep)
            }
            return []
        case .click, .doubleClick:
            // A message covers the bottom line's tabs and keys: a click there clears it, so the
            // next one lands on what is then shown, never on something hidden.
            if m.y == state.height - 1, state.status != nil {
                state.status = nil
                return []
            }
            switch HitTest.target(state, x: m.x, y: m.y) {
            case .site(let id)?:
                state.selectedSiteID = id
                guard m.action == .doubleClick else { return [] }
                state.screen = .detail(siteID: id)
                state.detailServiceIndex = 0
                return [.fetchEvents(siteID: id)]
            case .heading(let column)?:
                guard let key = column.sortKey else {
                    setStatus(&state, "\(column.title) does not sort", .info)
                    return []
                }
                sort(&state, by: key, reversed: state.sort == key ? !state.sortReversed : false)
                return []
            case .footer(.view(let v))?:
                return show(&state, v)
            case .footer(.key(let key))?:
                return handleKey(&state, key)
            case nil:
                return []
            }
        }
    }

    /// `key` pressed `times` times (the wheel's rows).
    static func navigate(_ state: inout DashboardState, _ key: KeyPress, times: Int) {
        for _ in 0..<times { _ = navigate(&state, key) }
    }
}
