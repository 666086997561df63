/// A region of the fleet and its share of the disruption budget.
public struct RegionConfig: Sendable, Hashable, Codable {
    public var name: String
    /// Sites of this region that must stay announced; a drain below it is refused.
    public var minActive: Int

    enum CodingKeys: String, CodingKey {
        case name
        case minActive = "min_active"
    }

    public init(name: String, minActive: Int = 0) {
        self.name = name
        self.minActive = minActive
    }
}
