/// IPv4 or IPv6: which sessions carry a prefix, and the daemons' words for it.
enum IPFamily: CaseIterable, Hashable, Sendable {
    case ipv4, ipv6

    init(_ prefix: String) { self = prefix.contains(":") ? .ipv6 : .ipv4 }

    /// FRR's and gobgp's word: `ipv4`, `ipv6`.
    var frr: String { self == .ipv4 ? "ipv4" : "ipv6" }
}
