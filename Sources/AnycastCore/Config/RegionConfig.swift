/// A region of the fleet and its share of the disruption budget.
public struct RegionConfig: Sendable, Hashable, Codable {
    public var name: String
    /// Sites of this region that must stay announced; a drain below it is refused.
    public var minActive: Int
    /// Sites of this region that may be in transition at once (nil: no limit of its own).
    public var maxConcurrentChanges: Int?

    enum CodingKeys: String, CodingKey {
        case name
        case minActive = "min_active"
        case maxConcurrentChanges = "max_concurrent_changes"
    }

    public init(name: String, minActive: Int = 0, maxConcurrentChanges: Int? = nil) {
        self.name = name
        self.minActive = minActive
        self.maxConcurrentChanges = maxConcurrentChanges
    }
}
