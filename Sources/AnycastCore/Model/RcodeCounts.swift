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
        entries = totals.map { Entry(name: $0.key, total: $0.value) }.sorted { $0.name < $1.name }
    }

    public init(dictionaryLiteral elements: (String, UInt64)...) {
        self.init(elements.map { Entry(name: $0.0, total: $0.1) })
    }

    /// The counters `names` and `totals` pair up (the same length).
    public init(names: [String], totals: [UInt64]) {
        precondition(names.count == totals.count, "each rcode name needs its total")
        self.init(zip(names, totals).map { Entry(name: $0, total: $1) })
    }

    /// `entries` in order of name; a repeated name keeps its last total, as a dictionary
    /// built by assignment does. Entries already in order, as agents send them, are kept as
    /// they are.
    init(_ entries: [Entry]) {
        if zip(entries, entries.dropFirst()).allSatisfy({ $0.name < $1.name }) {
            self.entries = entries
        } else {
            var byName: [String: UInt64] = [:]
            for entry in entries { byName[entry.name] = entry.total }
            self.entries = RcodeCounts(byName).entries
        }
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
