/// A site's rules for drains: how long a lease may be, and whether every drain needs one.
public struct DrainPolicy: Sendable, Hashable {
    /// Drains with a longer lease are refused; nil: no limit.
    public var maxLease: Duration?
    /// Drains without a lease are refused (so none is forgotten).
    public var requireLease: Bool

    public init(maxLease: Duration? = nil, requireLease: Bool = false) {
        self.maxLease = maxLease
        self.requireLease = requireLease
    }

    public static let open = DrainPolicy()
}
