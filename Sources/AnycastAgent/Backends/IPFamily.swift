/// IPv4 or IPv6: which sessions carry a prefix, and the daemons' words for it.
enum IPFamily: CaseIterable, Hashable, Sendable {
    case ipv4, ipv6

    init(_ prefix: String) { self = prefix.contains(":") ? .ipv6 : .ipv4 }

    /// The word FRR and gobgp use for it: `ipv4`, `ipv6`.
    var word: String { self == .ipv4 ? "ipv4" : "ipv6" }
}
