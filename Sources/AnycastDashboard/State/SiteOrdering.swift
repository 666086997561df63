import AnycastCore

/// Sorting and filtering of sites for the list views.
public enum SiteOrdering {
    /// Positions in `sites` of the sites that `filter` keeps (see `SiteFilter`), sorted by
    /// `sort`, ties broken by region, then id; `reversed` turns the whole order round. With
    /// `frozen` (site ids in the order they had when the order was frozen) the sites keep that
    /// order, and sites not in it follow in sorted order. Positions, not the sites: the
    /// dashboard keeps these (`VisibleSites`), so that ordering copies no site. `keys` are the
    /// sites' order keys when they are at hand (they are read from the sites otherwise).
    public static func order(
        _ sites: [SiteSnapshot], sort: SortKey, filter match: SiteFilter, reversed: Bool = false, frozen: [String]? = nil,
        keys given: SiteOrderKeys? = nil
    ) -> [Int] {
        var kept: [Int] = []
        kept.reserveCapacity(sites.count)
        let keys = given ?? SiteOrderKeys(sites)
        if sort == .region {
            // Region, then id: the order the keys hold already.
            for i in keys.byRegionThenID where match.isEmpty || match.matches(sites[i]) { kept.append(i) }
            return arranged(kept, in: sites, reversed: reversed, frozen: frozen)
        }
        // By index: iterating the array copies every snapshot.
        for i in sites.indices where match.isEmpty || match.matches(sites[i]) { kept.append(i) }
        // Sort indices by precomputed keys: comparing strings and moving whole snapshots in the
        // comparator is what made 1000-site frames slow.
        let tiebreak = keys.regionThenID
        let primary: [Double] = sites.indices.map { i in
            switch sort {
            case .region, .name, .site: 0
            case .qps: -(sites[i].qps ?? -1)
            case .latency: -(sites[i].p50Ms ?? -1)
            case .p99: -(sites[i].p99Ms ?? -1)
            case .status: -Double(severity(sites[i].condition))
            }
        }
        let names: [Int]? = switch sort {
        case .name: keys.name
        case .site: keys.id
        default: nil
        }
        kept.sort { a, b in
            if let names, names[a] != names[b] { return names[a] < names[b] }
            if primary[a] != primary[b] { return primary[a] < primary[b] }
            return tiebreak[a] < tiebreak[b]
        }
        return arranged(kept, in: sites, reversed: reversed, frozen: frozen)
    }

    /// The sorted positions turned round if asked, then in their frozen order, if any.
    private static func arranged(_ sorted: [Int], in sites: [SiteSnapshot], reversed: Bool, frozen: [String]?) -> [Int] {
        var kept = sorted
        if reversed { kept.reverse() }
        if let frozen {
            var rank: [String: Int] = [:]
            rank.reserveCapacity(frozen.count)
            for (i, id) in frozen.enumerated() { rank[id] = i }
            let position = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($0.element, $0.offset) })
            kept.sort { a, b in
                switch (rank[sites[a].config.id], rank[sites[b].config.id]) {
                case let (x?, y?): x < y
                case (.some, nil): true
                case (nil, .some): false
                case (nil, nil): position[a]! < position[b]!
                }
            }
        }
        return kept
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
