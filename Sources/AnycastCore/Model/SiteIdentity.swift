/// Who a site is: its stable id, a human name, its region and (optionally) where it stands.
public struct SiteIdentity: Codable, Sendable, Hashable {
    /// Stable short id, e.g. `ams1`.
    public var id: String
    /// Human name, e.g. `Amsterdam`.
    public var name: String
    /// Region the site belongs to; the disruption budget and traffic redistribution work per region.
    public var region: String
    /// Free-form location (city, facility), if known.
    public var location: String?

    public init(id: String, name: String, region: String, location: String? = nil) {
        self.id = id
        self.name = name
        self.region = region
        self.location = location
    }
}
