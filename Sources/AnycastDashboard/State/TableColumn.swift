/// A column of the table view. `:columns` chooses which and in what order; the mark column
/// always comes first.
public enum TableColumn: String, Sendable, Hashable, CaseIterable, Codable {
    case site, name, region, status, qps, share, trend, peers, p50, p99, age, note

    /// Every column, in the default order.
    public static let standard: [TableColumn] = allCases

    public var title: String { rawValue.uppercased() }

    /// Width in cells; NOTE takes what the others leave.
    var width: Int {
        switch self {
        case .site: 7
        case .name: 13
        case .region: 6
        case .status: 14
        case .qps, .share: 6
        case .trend: 10
        case .peers, .p50, .p99, .age: 5
        case .note: 0
        }
    }

    var alignRight: Bool {
        switch self {
        case .qps, .share, .peers, .p50, .p99, .age: true
        default: false
        }
    }

    /// The sort a click on the column's header asks for, if it has one.
    public var sortKey: SortKey? {
        switch self {
        case .site: .site
        case .name: .name
        case .region: .region
        case .status: .status
        case .qps, .share: .qps
        case .p50: .latency
        case .p99: .p99
        default: nil
        }
    }

    /// Which columns give way, in turn, when the chosen ones do not fit beside a useful note:
    /// the site, its status and its rate always stay.
    static let narrowingOrder: [TableColumn] = [.trend, .share, .p99, .name, .age, .p50, .region, .peers]

    /// `site,status,qps` (commas or spaces) as columns; the unknown names, when any.
    public static func parse(_ text: String) -> Result<[TableColumn], ColumnsError> {
        let names = text.split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.lowercased() }
        guard !names.isEmpty else { return .failure(ColumnsError(message: "name the columns, e.g. :columns site,status,qps,p99,note")) }
        if names == ["default"] || names == ["all"] { return .success(standard) }
        var out: [TableColumn] = []
        var unknown: [String] = []
        for n in names {
            guard let c = TableColumn(rawValue: n) else { unknown.append(n); continue }
            if !out.contains(c) { out.append(c) }
        }
        if !unknown.isEmpty {
            return .failure(ColumnsError(message: "unknown column\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")); columns: "
                + allCases.map(\.rawValue).joined(separator: ", ")))
        }
        return .success(out)
    }

    public struct ColumnsError: Error, Sendable, Equatable { public var message: String }
}
