import AnycastCore

/// Where each site's panel goes in the fleet view: a grid that reflows with the width, grouped
/// by region (a heading line, then that region's panels) when sorted by region.
public struct FleetLayout: Sendable, Hashable {
    /// The narrowest a panel may be.
    public static let minPanelWidth = 36
    /// Panel height including its border.
    public static let panelHeight = 7

    /// One item of the layout, in content coordinates (row 0 is the top of the scrollable area).
    public enum Item: Sendable, Hashable {
        case heading(region: String, y: Int)
        /// `index` is the site's position in the list the layout was made from.
        case panel(siteID: String, index: Int, rect: Rect, row: Int, column: Int)
    }

    public let columns: Int
    public let panelWidth: Int
    public let items: [Item]
    /// Height of all content.
    public let contentHeight: Int

    public init(sites: some RandomAccessCollection<SiteSnapshot>, width: Int, groupByRegion: Bool) {
        columns = max(1, width / Self.minPanelWidth)
        panelWidth = max(1, width / columns)
        var items: [Item] = []
        var y = 0
        var row = 0
        var col = 0
        var region: String?
        items.reserveCapacity(sites.count)
        // By position: taking each site out of the collection would copy its whole record.
        for (index, at) in sites.indices.enumerated() {
            if groupByRegion && sites[at].config.region != region {
                if col > 0 { y += Self.panelHeight; row += 1; col = 0 }
                region = sites[at].config.region
                items.append(.heading(region: sites[at].config.region, y: y))
                y += 1
            }
            items.append(.panel(siteID: sites[at].config.id, index: index,
                                rect: Rect(x: col * panelWidth, y: y, width: panelWidth, height: Self.panelHeight),
                                row: row, column: col))
            col += 1
            if col == columns { col = 0; y += Self.panelHeight; row += 1 }
        }
        if col > 0 { y += Self.panelHeight }
        self.items = items
        contentHeight = y
    }

    /// The panel of `siteID`.
    public func panel(_ siteID: String) -> (rect: Rect, row: Int, column: Int)? {
        for case let .panel(id, _, rect, row, column) in items where id == siteID { return (rect, row, column) }
        return nil
    }

    /// The site one row up or down from `siteID`, in the nearest column.
    public func neighbour(of siteID: String, rows delta: Int) -> String? {
        guard let here = panel(siteID) else { return nil }
        let target = here.row + delta
        var best: (String, Int)?
        for case let .panel(id, _, _, row, column) in items where row == target {
            let d = abs(column - here.column)
            if best == nil || d < best!.1 { best = (id, d) }
        }
        return best?.0
    }

    /// The first scrolled line that keeps `siteID`'s panel (and its region heading) in a
    /// viewport `height` lines tall.
    public func scrollOffset(showing siteID: String?, height: Int) -> Int {
        guard let id = siteID, let p = panel(id), contentHeight > height else { return 0 }
        let bottom = p.rect.maxY
        var offset = max(0, bottom - height)
        if p.rect.y - 1 < offset { offset = max(0, p.rect.y - 1) }
        return min(offset, max(0, contentHeight - height))
    }
}
