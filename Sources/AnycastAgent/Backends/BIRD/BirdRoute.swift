import Foundation

/// One route from `show route ...`.
public struct BirdRoute: Sendable, Hashable {
    /// The network, e.g. `203.0.113.0/24`; repeated from the previous row when BIRD leaves it blank.
    public var prefix: String
    /// Route type: `unicast`, `blackhole`, `unreachable`, `prohibited`, ...
    public var type: String?
    /// Protocol that made the route (first word in the brackets).
    public var proto: String
    /// Time in the brackets, parsed with `BirdTime`.
    public var since: Date?
    /// Marked ` *` (the best route for its prefix).
    public var primary: Bool
    /// Addresses of "via" lines.
    public var nextHops: [String]
    /// "[AS65100i]" content, replaced by the BGP.as_path attribute when shown (`all`).
    public var asPath: String?
    /// Table heading the route was listed under (`master4`, `master6`), if any.
    public var table: String?
    /// `from ADDR` in the brackets (BGP neighbour, when it differs from the next hop).
    public var from: String?
    /// Preference, the first number in `(100)` / `(100/20)`.
    public var preference: Int?
    /// `Key: value` lines of `show route all` (1008/1012), e.g. `Type`, `BGP.origin`, `BGP.as_path`.
    public var attributes: [String: String]

    public init(prefix: String, type: String? = nil, proto: String, since: Date? = nil, primary: Bool = false,
                nextHops: [String] = [], asPath: String? = nil, table: String? = nil, from: String? = nil,
                preference: Int? = nil, attributes: [String: String] = [:]) {
        self.prefix = prefix
        self.type = type
        self.proto = proto
        self.since = since
        self.primary = primary
        self.nextHops = nextHops
        self.asPath = asPath
        self.table = table
        self.from = from
        self.preference = preference
        self.attributes = attributes
    }
}
