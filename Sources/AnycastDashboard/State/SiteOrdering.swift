import AnycastCore

/// Sorting and filtering of sites for the list views.
public enum SiteOrdering {
    /// `sites` filtered by `filter` (case-insensitive match on id, name, region or status) and
    /// sorted by `sort`; ties break by region, then id.
    public static func apply(_ sites: [SiteSnapshot], sort: SortKey, filter: String) -> [SiteSnapshot] {
        let needle = filter.lowercased()
        var kept: [Int] = []
        kept.reserveCapacity(sites.count)
        for (i, s) in sites.enumerated() {
            if needle.isEmpty || s.config.id.lowercased().contains(needle) || s.config.name.lowercased().contains(needle)
                || s.config.region.lowercased().contains(needle) || s.condition.rawValue.contains(needle)
                || ("de-preferred".contains(needle) && SiteDrain.isDepreferred(s)) {
                kept.append(i)
            }
        }
        // Sort indices by precomputed keys: comparing strings and moving whole snapshots in the
        // comparator is what made 1000-site frames slow.
        let tiebreak = sites.map { Array($0.config.region.utf8) + [0] + Array($0.config.id.utf8) }
        let primary: [Double] = sites.map { s in
            switch sort {
            case .region, .name: 0
            case .qps: -(s.qps ?? -1)
            case .latency: -(s.status?.latency.p50Ms ?? -1)
            case .status: -Double(severity(s.condition))
            }
        }
        let names: [[UInt8]]? = sort == .name ? sites.map { Array($0.config.name.utf8) } : nil
        kept.sort { a, b in
            if let names, names[a] != names[b] { return names[a].lexicographicallyPrecedes(names[b]) }
            if primary[a] != primary[b] { return primary[a] < primary[b] }
            return tiebreak[a].lexicographicallyPrecedes(tiebreak[b])
        }
        return kept.map { sites[$0] }
    }

    /// Worse conditions first when sorting by status.
    static func severity(_ c: SiteCondition) -> Int {
        switch c {
        case .unreachable: 9
        case .autoWithdrawn: 8
        case .partial: 7
        case .stale: 6
        case .unknown: 5
        case .draining: 4
        case .announcing: 3
        case .drained: 2
        case .pending: 1
        case .active: 0
        }
    }
}
