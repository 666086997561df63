/// What the dashboard remembers between runs, per fleet: theme, view, sort, filter and columns.
/// Every field is optional on disk, so a file from an older or newer version still loads.
public struct DashboardSettings: Codable, Sendable, Hashable {
    public var theme: String?
    /// `fleet` or `table`.
    public var view: String?
    public var sort: SortKey?
    public var sortReversed: Bool?
    public var filter: String?
    public var columns: [TableColumn]?

    public init(theme: String? = nil, view: String? = nil, sort: SortKey? = nil, sortReversed: Bool? = nil,
                filter: String? = nil, columns: [TableColumn]? = nil) {
        self.theme = theme
        self.view = view
        self.sort = sort
        self.sortReversed = sortReversed
        self.filter = filter
        self.columns = columns
    }

    enum CodingKeys: String, CodingKey {
        case theme, view, sort, filter, columns
        case sortReversed = "sort_reversed"
    }
}

extension DashboardState {
    /// The settings to remember, as they are now.
    public var settings: DashboardSettings {
        DashboardSettings(theme: themeName, view: listScreen == .table ? "table" : "fleet", sort: sort, sortReversed: sortReversed,
                          filter: filter, columns: columns)
    }

    /// Takes saved settings; a theme that is not installed (any more) is left as it is.
    public mutating func apply(_ saved: DashboardSettings) {
        if let theme = saved.theme, themeNames.contains(theme), colorsOff == nil { themeName = theme }
        if let view = saved.view {
            listScreen = view == "table" ? .table : .fleet
            screen = listScreen
        }
        if let sort = saved.sort { self.sort = sort }
        if let reversed = saved.sortReversed { sortReversed = reversed }
        if let filter = saved.filter { self.filter = String(filter.prefix(64)) }
        if let columns = saved.columns, !columns.isEmpty { self.columns = columns }
    }
}
