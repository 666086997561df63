import AnycastCore

/// What Tab offers in the command line for the word being typed: command names first, then
/// what each command takes (site ids, sort keys, directions, themes, views, columns, filter
/// fields and their values).
enum CommandCompletion {
    /// The text before the word under completion, and the candidates for that word.
    static func candidates(for line: String, state: DashboardState) -> (head: String, candidates: [String]) {
        let endsWithSpace = line.hasSuffix(" ")
        var words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let partial = endsWithSpace ? "" : (words.popLast() ?? "")
        let head = String(line.dropLast(partial.count))
        guard let command = words.first?.lowercased() else {
            return (head, DashboardCommand.names.filter { $0.hasPrefix(partial.lowercased()) })
        }
        let position = words.count  // 1: the first argument
        let sites = (state.fleet?.sites.map(\.config.id) ?? []).sorted()
        var options: [String]
        switch (command, position) {
        case ("drain", 1), ("undrain", 1): options = sites
        case ("sort", 1): options = SortKey.allCases.map(\.rawValue)
        case ("sort", 2): options = ["asc", "desc"]
        case ("theme", 1): options = state.themeNames
        case ("view", 1): options = DashboardCommand.View.allCases.map(\.rawValue)
        case ("columns", 1), ("cols", 1):
            // After the last comma: a column not chosen yet.
            let before = partial.lastIndex(of: ",").map { String(partial[...$0]) } ?? ""
            let last = String(partial.dropFirst(before.count))
            let chosen = Set(before.split(separator: ",").map(String.init))
            let names = TableColumn.allCases.map(\.rawValue).filter { !chosen.contains($0) && $0.hasPrefix(last.lowercased()) }
            // Each ends with a comma, ready for the next column (a trailing comma is allowed).
            return (head, names.map { before + $0 + "," })
        case ("filter", _):
            if let eq = partial.firstIndex(of: "=") {
                let field = String(partial[..<eq]).lowercased()
                let values: [String] = switch field {
                case "region": Array(Set(state.fleet?.sites.map(\.config.region) ?? [])).sorted()
                case "status": SiteCondition.allCases.map(\.rawValue)
                case "site", "id": sites
                default: []
                }
                let prefix = String(partial[...eq])
                let typed = String(partial[partial.index(after: eq)...]).lowercased()
                return (head, values.filter { $0.lowercased().hasPrefix(typed) }.map { prefix + $0 })
            }
            options = SiteFilter.Field.allCases.map { $0.rawValue + "=" }
        default: options = []
        }
        return (head, options.filter { $0.lowercased().hasPrefix(partial.lowercased()) })
    }
}
