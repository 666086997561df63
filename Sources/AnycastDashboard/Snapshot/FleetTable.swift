import AnycastCore

/// The text table that `anycast-dash snapshot` and `watch` print for people: a summary, a
/// header, and a row per site with its note (why it is drained, or what went wrong) under it.
///
/// Cells are measured in terminal columns (`DisplayWidth`), so CJK, emoji and combining marks
/// line up, and every line fits `width` columns: names that do not fit are cut with `…`,
/// notes wrap onto at most three lines.
public enum FleetTable {
    /// Columns of a classic terminal, the widest line the table prints by default.
    public static let defaultWidth = 80

    public static func render(_ snapshot: FleetSnapshot, coordination: FleetCoordination? = nil, width: Int = defaultWidth) -> String {
        let report = FleetReport(snapshot, coordination: coordination)
        let rows = report.sites.sorted { ($0.region, $0.id) < ($1.region, $1.id) }.map { site in
            FleetTableRow(site, lock: coordination?.lock(of: site.id), now: report.takenAt)
        }
        let layout = FleetTableLayout(rows: rows, width: width)
        var lines = summary(report, width: width)
        if let coordination { lines.append(DisplayWidth.truncate(CoordinationText.header(coordination).long, to: width)) }
        lines.append(layout.line(layout.columns.map(\.header)))
        // Under the name when there is room for a useful note line, else just indented.
        let indent = width - layout.nameOffset >= 40 ? layout.nameOffset : 2
        for row in rows {
            lines.append(layout.line(row.cells))
            let note = TextWrap.lines(row.note, columns: width - indent, maxLines: 3)
            lines += note.map { String(repeating: " ", count: indent) + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "fleet NAME: N sites in R regions, active A, ..., total Q qps", carried on to a second
    /// line between its parts when it does not fit.
    static func summary(_ report: FleetReport, width: Int) -> [String] {
        let name = DisplayWidth.truncate(FleetTableRow.printable(report.fleet), to: width / 2)
        var parts = ["fleet \(name): \(report.summary.sites) sites in \(report.summary.regions.count) regions"]
        parts += SiteCondition.allCases.compactMap { c in report.summary.byStatus[c.rawValue].map { "\(c.rawValue) \($0)" } }
        parts.append("total \(NumberFormat.compactRate(report.summary.totalQPS)) qps")
        var lines: [String] = []
        var current = ""
        for (i, part) in parts.enumerated() {
            let text = part + (i == parts.count - 1 ? "" : ",")
            if current.isEmpty {
                current = text
            } else if DisplayWidth.of(current) + 1 + DisplayWidth.of(text) <= width {
                current += " " + text
            } else {
                lines.append(current)
                current = "  " + text
            }
        }
        lines.append(current)
        return lines
    }
}
