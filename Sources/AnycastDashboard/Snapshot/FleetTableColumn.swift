/// One column of the fleet table: its header, its side, and how far it may be narrowed when
/// the table would not fit.
struct FleetTableColumn: Sendable {
    let header: String
    let alignRight: Bool
    /// Spaces before the column: two between text columns, one between the numbers, whose
    /// headers are wide enough to keep them apart.
    let gap: Int

    static let site = FleetTableColumn(header: "SITE", alignRight: false, gap: 0)
    static let name = FleetTableColumn(header: "NAME", alignRight: false, gap: 2)
    static let region = FleetTableColumn(header: "REGION", alignRight: false, gap: 2)
    static let status = FleetTableColumn(header: "STATUS", alignRight: false, gap: 2)
    static let qps = FleetTableColumn(header: "QPS", alignRight: true, gap: 2)
    static let share = FleetTableColumn(header: "SHARE", alignRight: true, gap: 1)
    static let peers = FleetTableColumn(header: "PEERS", alignRight: true, gap: 1)
    static let p50 = FleetTableColumn(header: "P50ms", alignRight: true, gap: 1)
    static let p99 = FleetTableColumn(header: "P99ms", alignRight: true, gap: 1)
    static let age = FleetTableColumn(header: "AGE", alignRight: true, gap: 1)

    /// The columns in order; `FleetTableRow.cells` follows it.
    static let all: [FleetTableColumn] = [site, name, region, status, qps, share, peers, p50, p99, age]

    /// Which columns give up width, and down to how much, in turn, when the table is too
    /// wide: the name first (it is cut with `…`), then the site id and region, then all three
    /// down to a few columns. The status and the numbers are never cut.
    static let narrowing: [(column: Int, floor: Int)] = [(1, 8), (0, 8), (2, 6), (1, 4), (0, 4), (2, 4)]
}
