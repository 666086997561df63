import AnycastCore

/// What the list order compares besides the figures that move: each site's rank by region then
/// id (the tie-break), by name, and by id. A fleet's sites keep their configs from poll to
/// poll, so these are read once, and a cycle's sort compares integers and allocates nothing
/// per site.
public struct SiteOrderKeys: Sendable {
    /// The sites' ids in fleet order, to tell whether the keys still fit a snapshot.
    let ids: [String]
    /// Rank by region, then id.
    let regionThenID: [Int]
    /// Rank by name; equal names have equal ranks.
    let name: [Int]
    /// Rank by id.
    let id: [Int]
    /// The sites' positions by region, then id: the list's order when sorted by region (the
    /// default), which no figure moves, so a cycle need not sort.
    let byRegionThenID: [Int]

    public init(_ sites: [SiteSnapshot]) {
        ids = sites.map(\.config.id)
        regionThenID = Self.ranks(sites.map { Array($0.config.region.utf8) + [0] + Array($0.config.id.utf8) })
        name = Self.ranks(sites.map { Array($0.config.name.utf8) })
        id = Self.ranks(sites.map { Array($0.config.id.utf8) })
        byRegionThenID = regionThenID.indices.sorted { [regionThenID] in
            (regionThenID[$0], $0) < (regionThenID[$1], $1)
        }
    }

    /// Whether these are the keys of `sites` (the same sites, in the same order).
    public func fit(_ sites: [SiteSnapshot]) -> Bool {
        guard sites.count == ids.count else { return false }
        for i in sites.indices where sites[i].config.id != ids[i] { return false }
        return true
    }

    /// Each key's rank in byte order (equal keys, equal ranks).
    private static func ranks(_ keys: [[UInt8]]) -> [Int] {
        let order = keys.indices.sorted { keys[$0].lexicographicallyPrecedes(keys[$1]) }
        var rank = [Int](repeating: 0, count: keys.count)
        var current = 0
        for (n, i) in order.enumerated() {
            if n > 0, keys[i] != keys[order[n - 1]] { current += 1 }
            rank[i] = current
        }
        return rank
    }
}
