import AnycastCore

/// Sorting and filtering of sites for the list views.
public enum SiteOrdering {
    /// `sites` filtered by `filter` (case-insensitive match on id, name, region or status) and
    /// sorted by `sort`; ties break by region, then id.
    public static func apply(_ sites: [SiteSnapshot], sort: SortKey, filter: String) -> [SiteSnapshot] {
        let needle = filter.lowercased()
        let kept = needle.isEmpty ? sites : sites.filter { s in
            s.config.id.lowercased().contains(needle) || s.config.name.lowercased().contains(needle)
                || s.config.region.lowercased().contains(needle) || s.condition.rawValue.contains(needle)
        }
        return kept.sorted { a, b in
            switch sort {
            case .region: break
            case .name:
                if a.config.name != b.config.name { return a.config.name < b.config.name }
            case .qps:
                if (a.qps ?? -1) != (b.qps ?? -1) { return (a.qps ?? -1) > (b.qps ?? -1) }
            case .latency:
                let la = a.status?.latency.p50Ms ?? -1, lb = b.status?.latency.p50Ms ?? -1
                if la != lb { return la > lb }
            case .status:
                let ra = severity(a.condition), rb = severity(b.condition)
                if ra != rb { return ra > rb }
            }
            return (a.config.region, a.config.id) < (b.config.region, b.config.id)
        }
    }

    /// Worse conditions first when sorting by status.
    static func severity(_ c: SiteCondition) -> Int {
        switch c {
        case .unreachable: 7
        case .autoWithdrawn: 6
        case .partial: 5
        case .stale: 4
        case .draining: 3
        case .drained: 2
        case .pending: 1
        case .active: 0
        }
    }
}
