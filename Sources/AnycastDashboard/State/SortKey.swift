/// How sites are ordered (`s` cycles the first five; a column's header sorts by its own).
public enum SortKey: String, Sendable, Hashable, CaseIterable, Codable {
    case region, name, qps, latency, status, site, p99

    /// The keys `s` cycles through.
    static let cycle: [SortKey] = [.region, .name, .qps, .latency, .status]

    /// The next key in the cycle.
    public var next: SortKey {
        let i = Self.cycle.firstIndex(of: self) ?? -1
        return Self.cycle[(i + 1) % Self.cycle.count]
    }

    /// Numbers and trouble sort largest and worst first; names A to Z.
    public var naturallyDescending: Bool {
        switch self {
        case .qps, .latency, .status, .p99: true
        case .region, .name, .site: false
        }
    }
}
