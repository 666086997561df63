/// The budget as the coordination store keeps it (one JSON document the dashboard publishes and
/// every agent reads): `{"min_active_sites": 2, "max_concurrent_changes": 1,
/// "regions": {"eu": {"min_active": 1, "max_concurrent_changes": 1}}}`.
extension DrainBudget: Codable {
    enum CodingKeys: String, CodingKey {
        case minActiveSites = "min_active_sites"
        case maxConcurrentChanges = "max_concurrent_changes"
        case regions
    }

    struct Region: Codable, Hashable {
        var min_active: Int?
        var max_concurrent_changes: Int?
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let regions = try c.decodeIfPresent([String: Region].self, forKey: .regions) ?? [:]
        self.init(minActiveSites: try c.decodeIfPresent(Int.self, forKey: .minActiveSites) ?? 0,
                  regionMinimums: regions.compactMapValues(\.min_active),
                  maxConcurrentChanges: try c.decodeIfPresent(Int.self, forKey: .maxConcurrentChanges),
                  regionMaxConcurrentChanges: regions.compactMapValues(\.max_concurrent_changes))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(minActiveSites, forKey: .minActiveSites)
        try c.encodeIfPresent(maxConcurrentChanges, forKey: .maxConcurrentChanges)
        let names = Set(regionMinimums.keys).union(regionMaxConcurrentChanges.keys)
        let regions = Dictionary(uniqueKeysWithValues: names.map {
            ($0, Region(min_active: regionMinimums[$0], max_concurrent_changes: regionMaxConcurrentChanges[$0]))
        })
        try c.encode(regions, forKey: .regions)
    }
}
