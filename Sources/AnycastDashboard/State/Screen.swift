/// Which view fills the screen.
public enum Screen: Sendable, Hashable {
    /// A panel per site, grouped by region.
    case fleet
    /// One line per site.
    case table
    /// One site in depth.
    case detail(siteID: String)
    /// The fleet-wide timeline.
    case events
}
