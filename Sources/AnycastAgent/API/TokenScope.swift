/// What a bearer token may do.
public enum TokenScope: String, Sendable, Codable, CaseIterable {
    /// Read status and events.
    case read
    /// Also drain and undrain.
    case operate

    /// Whether this scope includes `other`.
    public func allows(_ other: TokenScope) -> Bool { self == .operate || other == .read }
}
