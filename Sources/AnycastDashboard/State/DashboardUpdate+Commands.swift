import Foundation

/// The `:` command line: typing, Tab completion, history, and running what was typed.
extension DashboardUpdate {
    /// Commands kept for Up and Down.
    static let historyLimit = 100

    static func promptKey(_ state: inout DashboardState, _ key: KeyPress) -> [DashboardEffect] {
        guard var prompt = state.prompt else { return [] }
        if key != .tab { prompt.completion = nil }
        switch key {
        case .escape:
            state.prompt = nil
            return []
        case .enter:
            state.prompt = nil
            let line = prompt.text.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { return [] }
            if state.commandHistory.last != line {
                state.commandHistory.append(line)
                if state.commandHistory.count > historyLimit { state.commandHistory.removeFirst() }
            }
            return run(&state, line)
        case .backspace:
            if prompt.text.isEmpty {
                state.prompt = nil  // as vim: backspace on an empty line leaves it
                return []
            }
            prompt.text.removeLast()
            prompt.historyIndex = nil
        case .character(let c) where !c.isNewline && prompt.text.count < CommandPrompt.maxLength:
            prompt.text.append(c)
            prompt.historyIndex = nil
        case .up:
            guard !state.commandHistory.isEmpty else { break }
            if prompt.historyIndex == nil { prompt.draft = prompt.text }
            let i = max(0, (prompt.historyIndex ?? state.commandHistory.count) - 1)
            prompt.historyIndex = i
            prompt.text = state.commandHistory[i]
        case .down:
            guard let i = prompt.historyIndex else { break }
            if i + 1 < state.commandHistory.count {
                prompt.historyIndex = i + 1
                prompt.text = state.commandHistory[i + 1]
            } else {
                prompt.historyIndex = nil
                prompt.text = prompt.draft
            }
        case .tab:
            complete(&prompt, state: &state)
        default:
            break
        }
        state.prompt = prompt
        return []
    }

    /// Tab: one candidate completes the word; several complete their common start, then each
    /// further Tab shows the next, and the status line lists them.
    static func complete(_ prompt: inout CommandPrompt, state: inout DashboardState) {
        if var c = prompt.completion, c.candidates.count > 1 {
            c.index = (c.index + 1) % c.candidates.count
            prompt.text = c.head + c.candidates[c.index]
            prompt.completion = c
            return
        }
        let (head, candidates) = CommandCompletion.candidates(for: prompt.text, state: state)
        guard !candidates.isEmpty else {
            setStatus(&state, "nothing to complete", .info)
            return
        }
        if candidates.count == 1 {
            let word = candidates[0]
            prompt.text = head + word + (word.hasSuffix("=") || word.hasSuffix(",") ? "" : " ")
            return
        }
        let typed = String(prompt.text.dropFirst(head.count))
        let common = candidates.dropFirst().reduce(candidates[0]) { $0.commonPrefix(with: $1) }
        if common.count > typed.count {
            prompt.text = head + common
        } else {
            prompt.text = head + candidates[0]
            prompt.completion = .init(head: head, candidates: candidates, index: 0)
        }
        setStatus(&state, candidates.prefix(12).joined(separator: "  ") + (candidates.count > 12 ? "  …" : ""), .info)
    }

    /// Runs a typed command; a line that is no command says so in the status line.
    static func run(_ state: inout DashboardState, _ line: String) -> [DashboardEffect] {
        let command: DashboardCommand
        switch DashboardCommand.parse(line) {
        case .success(let c): command = c
        case .failure(let e):
            setStatus(&state, e.message, .warning)
            return []
        }
        switch command {
        case .quit:
            return [.quit]
        case .help:
            state.showHelp = true
        case .drain(let site), .undrain(let site):
            guard state.fleet?.sites.contains(where: { $0.config.id == site }) == true else {
                setStatus(&state, "no site \(site) in this fleet (Tab completes site ids)", .warning)
                return []
            }
            if case .drain = command { openDialog(&state, .drain, sites: [site]) } else { openDialog(&state, .undrain, sites: [site]) }
        case .sort(let key, let descending):
            sort(&state, by: key, reversed: descending.map { $0 != key.naturallyDescending } ?? false)
        case .filter(let text):
            state.filter = String(text.prefix(200))
            keepSelectionVisible(&state)
            setStatus(&state, text.isEmpty ? "filter cleared" : "filter: \(text) (\(state.visibleSites.count) sites)", .info)
        case .theme(let name):
            if let why = state.colorsOff { setStatus(&state, "colours are off (\(why)): themes don't apply", .info); return [] }
            guard state.themeNames.contains(name) else {
                setStatus(&state, "no theme \(name); themes: \(state.themeNames.joined(separator: ", "))", .warning)
                return []
            }
            state.themeName = name
            setStatus(&state, "theme: \(name)", .info)
            return [.applyTheme(name)]
        case .view(let v):
            return show(&state, v)
        case .columns(let columns):
            state.columns = columns
            setStatus(&state, "columns: \(columns.map(\.rawValue).joined(separator: ","))" + (state.screen == .table ? "" : " (the table view: v)"), .info)
        case .freeze:
            toggleFreeze(&state)
        }
        return []
    }

    /// Sorts by `key`, unfreezing the order.
    static func sort(_ state: inout DashboardState, by key: SortKey, reversed: Bool) {
        state.frozenOrder = nil
        state.sort = key
        state.sortReversed = reversed
        let arrow = key.naturallyDescending != reversed ? "▼" : "▲"
        setStatus(&state, "sorted by \(key.rawValue) \(arrow)", .info)
    }

    /// `f`: the rows keep their places while the numbers move; again: they follow the sort.
    static func toggleFreeze(_ state: inout DashboardState) {
        if state.frozenOrder != nil {
            state.frozenOrder = nil
            setStatus(&state, "order follows the sort again (\(state.sort.rawValue))", .info)
        } else {
            state.frozenOrder = state.visibleSites.map(\.config.id)
            setStatus(&state, "order frozen: rows stay where they are (f follows the sort again)", .info)
        }
    }

    /// Switches to view `v`; the detail view is the selected site's.
    static func show(_ state: inout DashboardState, _ v: DashboardCommand.View) -> [DashboardEffect] {
        switch v {
        case .fleet, .table:
            state.screen = v == .fleet ? .fleet : .table
            state.listScreen = state.screen
        case .events:
            state.screen = .events
        case .detail:
            guard let id = state.selectedSiteID else {
                setStatus(&state, "no site selected", .warning)
                return []
            }
            state.screen = .detail(siteID: id)
            state.detailServiceIndex = 0
            return [.fetchEvents(siteID: id)]
        }
        return []
    }

    static func keepSelectionVisible(_ state: inout DashboardState) {
        if !state.visibleSites.contains(where: { $0.config.id == state.selectedSiteID }) {
            state.selectedSiteID = state.visibleSites.first?.config.id
        }
    }
}
