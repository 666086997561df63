/// The column widths of the fleet table, in terminal columns, chosen so that every line fits.
struct FleetTableLayout: Sendable {
    let columns = FleetTableColumn.all
    private(set) var widths: [Int]
    let width: Int

    /// Each column as wide as its widest cell or header, then narrowed in the order of
    /// `FleetTableColumn.narrowing` until the line fits `width`.
    init(rows: [FleetTableRow], width: Int) {
        self.width = width
        let columns = FleetTableColumn.all
        widths = columns.indices.map { c in
            rows.reduce(DisplayWidth.of(columns[c].header)) { max($0, DisplayWidth.of($1.cells[c])) }
        }
        for step in FleetTableColumn.narrowing {
            let excess = lineWidth - width
            guard excess > 0 else { break }
            widths[step.column] -= min(excess, max(0, widths[step.column] - step.floor))
        }
    }

    /// Columns a full line takes.
    var lineWidth: Int { zip(columns, widths).reduce(0) { $0 + $1.0.gap + $1.1 } }

    /// Where the name column starts: notes are indented to it.
    var nameOffset: Int { widths[0] + columns[1].gap }

    /// One line of cells, each padded or cut (with `…`) to its column.
    func line(_ cells: [String]) -> String {
        var out = ""
        for (c, column) in columns.enumerated() {
            out += String(repeating: " ", count: column.gap)
            out += DisplayWidth.pad(cells[c], to: widths[c], alignRight: column.alignRight)
        }
        while out.hasSuffix(" ") { out.removeLast() }
        // Only numbers far beyond any real fleet's get here; the line still fits.
        return DisplayWidth.of(out) > width ? DisplayWidth.truncate(out, to: width) : out
    }
}
