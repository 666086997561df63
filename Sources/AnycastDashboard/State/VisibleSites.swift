import AnycastCore

/// The sites the list views show, filtered and in their order: positions in the fleet's sites
/// rather than copies of them, so that ordering a fleet of a thousand sites each second copies
/// no site's record (a copy retains each of its strings and arrays).
public struct VisibleSites: RandomAccessCollection, Sendable {
    /// The fleet's sites, shared with its snapshot.
    public let all: [SiteSnapshot]
    /// Positions in `all`, in the order shown.
    public let order: [Int]

    public init(all: [SiteSnapshot] = [], order: [Int] = []) {
        self.all = all
        self.order = order
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { order.count }
    public subscript(position: Int) -> SiteSnapshot { all[order[position]] }
}
