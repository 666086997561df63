import AnycastCore

/// The lists of rcode names a set's streams have read, one array each, which every stream's
/// updates share: a fleet's agents nearly all count the same rcodes, so its sites hold one
/// array of names between them instead of one each. Confined to the event loop.
final class RcodeNamesPool {
    /// More kinds of counting than a fleet has: names that keep changing are not pooled.
    static let limit = 8
    private var lists: [[String]] = []

    /// Gives `counts` the pooled array of its names, or pools its own.
    func share(_ counts: inout RcodeCounts) {
        counts.shareNames(through: &lists, atMost: Self.limit)
    }
}
