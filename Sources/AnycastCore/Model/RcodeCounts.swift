/// Monotonic answer counters by rcode name (`NOERROR`, `SERVFAIL`, ...), sorted by name.
///
/// A site has a handful of rcodes, the poller replaces them every second for every site, and
/// they are read by name only in a site's detail: sorted names and their totals, the first
/// eight inline, where a dictionary was a hash table and a hash of each name (BENCHMARKS.md).
/// On the wire it is the same JSON object as `[String: UInt64]`.
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

    /// The totals held inline; an agent with more rcodes keeps the rest in an array.
    typealias Leading = InlineArray<8, UInt64>
    static var inlineCount: Int { Leading.count }

    /// Sorted, each name once. An agent's names rarely change, so the counts read from its
    /// next line share this array (`FlatStatusUpdateReader`).
    private(set) var names: [String]
    /// The totals of the first `inlineCount` names. Inline, so that a line's counts cost no
    /// allocation: with an array of entries, each site made one a second, and the screen
    /// freed it when it let go of the fleet's snapshot before.
    private(set) var leading: Leading
    /// The totals after the first `inlineCount`.
    private(set) var trailing: [UInt64]

    public init() {
        names = []
        leading = Leading(repeating: 0)
        trailing = []
    }

    public init(_ totals: [String: UInt64]) {
        self.init(sortedEntries: totals.map { Entry(name: $0.key, total: $0.value) }.sorted { $0.name < $1.name })
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
        if Self.strictlyOrdered(entries.lazy.map(\.name)) {
            self.init(sortedEntries: entries)
        } else {
            var byName: [String: UInt64] = [:]
            for entry in entries { byName[entry.name] = entry.total }
            self.init(byName)
        }
    }

    /// Names already in order, each once, with their totals, inline and after.
    init(sortedNames names: [String], leading: Leading, trailing: [UInt64]) {
        self.names = names
        self.leading = leading
        self.trailing = trailing
    }

    /// Takes the names from `pool` (the lists of names seen before, on any site), or adds
    /// its own there: sites whose agents count the same rcodes, nearly a whole fleet, then
    /// hold one array of names between them. Each site held its own before, and every
    /// second the fleet's snapshot and the next line's reading found each one out of the cache.
    package mutating func shareNames(through pool: inout [[String]], atMost limit: Int) {
        guard !names.isEmpty else { return }
        let mine = names.withUnsafeBufferPointer { $0.baseAddress }
        for k in pool.indices {
            if pool[k].withUnsafeBufferPointer({ $0.baseAddress }) == mine { return }
            if pool[k] == names {
                names = pool[k]
                return
            }
        }
        if pool.count < limit { pool.append(names) }
    }

    /// Where the array of names is: the same address while it is held is the same array.
    /// Zero for no names, whichever empty array holds them.
    var namesAddress: UInt {
        names.isEmpty ? 0 : names.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    /// Names in any order with their totals (`leading` then `trailing`): kept as they are
    /// when already in order, as agents send them.
    init(names: [String], leading: Leading, trailing: [UInt64]) {
        self.init(sortedNames: names, leading: leading, trailing: trailing)
        if !Self.strictlyOrdered(names) { self.init(Array(self)) }
    }

    private init(sortedEntries entries: [Entry]) {
        self.init()
        names = entries.map(\.name)
        for k in entries.indices {
            if k < Self.inlineCount { leading[k] = entries[k].total } else { trailing.append(entries[k].total) }
        }
    }

    private static func strictlyOrdered(_ names: some Collection<String>) -> Bool {
        zip(names, names.dropFirst()).allSatisfy { $0 < $1 }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { names.count }
    public subscript(position: Int) -> Entry {
        Entry(name: names[position], total: total(at: position))
    }

    private func total(at position: Int) -> UInt64 {
        position < Self.inlineCount ? leading[position] : trailing[position - Self.inlineCount]
    }

    /// The counter of `name`, if the site has one.
    public subscript(name: String) -> UInt64? {
        names.firstIndex(of: name).map { self[$0].total }
    }

    /// As a dictionary, for code that works by name.
    public var byName: [String: UInt64] {
        Dictionary(map { ($0.name, $0.total) }, uniquingKeysWith: { $1 })
    }

    public static func == (a: RcodeCounts, b: RcodeCounts) -> Bool {
        a.names == b.names && a.indices.allSatisfy { a.total(at: $0) == b.total(at: $0) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(names)
        for k in indices { hasher.combine(total(at: k)) }
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: UInt64].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(byName)
    }
}
