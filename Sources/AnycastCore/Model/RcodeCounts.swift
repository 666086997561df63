/// Monotonic answer counters by rcode name (`NOERROR`, `SERVFAIL`, ...), sorted by name.
///
/// A site has a handful of rcodes, the poller replaces them every second for every site, and
/// they are read by name only in a site's detail: a sorted array is one allocation where a
/// dictionary was a hash table and a hash of each name (BENCHMARKS.md). On the wire it is
/// the same JSON object as `[String: UInt64]`.
public struct RcodeCounts: Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral, RandomAccessCollection {
    /// One rcode's counter.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var total: UInt64

        public init(name: String, total: UInt64) {
            self.name = name
            self.total = total
        }
    }

    /// Sorted by name, each name once.
    public private(set) var entries: [Entry]

    public init() { entries = [] }

    public init(_ totals: [String: UInt64]) {
        entries = Self.sorted(totals)
    }

    private static func sorted(_ totals: [String: UInt64]) -> [Entry] {
        totals.map { Entry(name: $0.key, total: $0.value) }.sorted { $0.name < $1.name }
    }

    public init(dictionaryLiteral elements: (String, UInt64)...) {
        // A repeated name keeps its last total, as a dictionary built by assignment does.
        self.init(names: elements.map(\.0), totals: elements.map(\.1))
    }

    /// The counters `names` and `totals` pair up (the same length); a repeated name keeps its
    /// last total. Names already in order, as agents send them, are taken as they are.
    public init(names: [String], totals: [UInt64]) {
        precondition(names.count == totals.count, "each rcode name needs its total")
        if zip(names, names.dropFirst()).allSatisfy({ $0 < $1 }) {
            entries = zip(names, totals).map { Entry(name: $0, total: $1) }
        } else {
            var byName: [String: UInt64] = [:]
            for (name, total) in zip(names, totals) { byName[name] = total }
            entries = Self.sorted(byName)
        }
    }

    /// `entries` as they are: the caller has them sorted by name, each name once.
    init(sorted entries: [Entry]) {
        self.entries = entries
    }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Entry { entries[position] }

    /// The counter of `name`, if the site has one.
    public subscript(name: String) -> UInt64? {
        entries.first { $0.name == name }?.total
    }

    /// As a dictionary, for code that works by name.
    public var byName: [String: UInt64] {
        Dictionary(entries.map { ($0.name, $0.total) }, uniquingKeysWith: { $1 })
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: UInt64].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(byName)
    }
}
