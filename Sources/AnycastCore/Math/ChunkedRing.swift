/// A ring of the newest `capacity` elements kept in fixed-size chunks, so that copies share
/// their storage: appending to a copy copies the chunk being filled, not the whole ring nor
/// its list of chunks.
///
/// A site's 15-minute history is held by the poller and by every fleet snapshot it hands to
/// the screen; with a flat ring each append after a hand-off copied all 900 points of each
/// site, so a thousand sites kept two to three full copies alive (BENCHMARKS.md, memory).
/// With one list of all the chunks, each append copied that list: a retain per chunk, each
/// site each second.
public struct ChunkedRing<Element>: Sequence {
    /// A chunk's elements stored in the object itself (`ManagedBuffer`): one allocation a
    /// chunk. The tail is copied at most once a second for each site (when the screen holds
    /// the copy it was shared with), and a class around an array took two.
    final class Chunk: ManagedBuffer<Int, Element> {
        static func make(capacity: Int) -> Chunk {
            unsafeDowncast(Chunk.create(minimumCapacity: capacity) { _ in 0 }, to: Chunk.self)
        }

        static func make(copying other: Chunk, capacity: Int) -> Chunk {
            let chunk = make(capacity: capacity)
            other.withUnsafeMutablePointers { count, items in
                chunk.withUnsafeMutablePointers { newCount, newItems in
                    newItems.initialize(from: items, count: count.pointee)
                    newCount.pointee = count.pointee
                }
            }
            return chunk
        }

        deinit {
            _ = withUnsafeMutablePointers { count, items in items.deinitialize(count: count.pointee) }
        }

        var count: Int { header }

        /// Room is the caller's to check: a chunk never grows past the size it was made with.
        func append(_ element: Element) {
            withUnsafeMutablePointers { count, items in
                (items + count.pointee).initialize(to: element)
                count.pointee += 1
            }
        }

        subscript(i: Int) -> Element {
            withUnsafeMutablePointerToElements { $0[i] }
        }

        /// Calls `body` with the elements, newest first, until it returns false; false if it did.
        func forEachNewest(_ body: (Element) -> Bool) -> Bool {
            withUnsafeMutablePointers { count, items in
                var i = count.pointee
                while i > 0 {
                    i -= 1
                    guard body(items[i]) else { return false }
                }
                return true
            }
        }
    }

    /// How many elements the ring keeps.
    public let capacity: Int
    private let chunkSize: Int
    /// The filled chunks, oldest first. Neither they nor this array change when an element is
    /// appended, so a copy that is appended to shares them (and the array) with the original:
    /// the array changes once a chunk, when the tail is filled and when the oldest is dropped.
    private var full: [Chunk] = []
    /// The chunk being filled; nil before the first element.
    private var tail: Chunk?
    /// Index of the oldest element in the oldest chunk.
    private var start = 0
    public private(set) var count = 0

    public init(capacity: Int, chunkSize: Int = 64) {
        precondition(capacity > 0, "a ring needs room for at least one element")
        self.capacity = capacity
        self.chunkSize = Swift.max(1, Swift.min(chunkSize, capacity))
    }

    public var isEmpty: Bool { count == 0 }

    /// Appends an element, dropping the oldest when full.
    public mutating func append(_ element: Element) {
        if let filled = tail, filled.count == chunkSize {
            full.append(filled)
            tail = nil
        }
        if tail == nil {
            tail = Chunk.make(capacity: chunkSize)
        } else if !isKnownUniquelyReferenced(&tail!) {
            tail = Chunk.make(copying: tail!, capacity: chunkSize)  // shared with a copy
        }
        tail!.append(element)
        count += 1
        if count > capacity {
            count -= 1
            start += 1
            if start == chunkSize {
                // The oldest chunk is all dropped; it is a filled one, since the tail holds
                // at least the element just appended.
                full.removeFirst()
                start = 0
            }
        }
    }

    /// The element `index` places after the oldest one.
    public subscript(index: Int) -> Element {
        precondition(index >= 0 && index < count, "ring index out of range")
        let i = start + index
        let chunk = i / chunkSize
        return chunk < full.count ? full[chunk][i % chunkSize] : tail![i % chunkSize]
    }

    public var first: Element? { count == 0 ? nil : self[0] }
    public var last: Element? { count == 0 ? nil : self[count - 1] }

    public mutating func removeAll() {
        full = []
        tail = nil
        start = 0
        count = 0
    }

    /// Calls `body` with the newest `n` elements, newest first, until it returns false: one
    /// pass over the chunks, where reading them by index finds the chunk again for each.
    public func forEachNewest(_ n: Int, _ body: (Element) -> Bool) {
        var remaining = Swift.min(Swift.max(n, 0), count)
        // Never more than `count`: the dropped elements before `start` are not reached.
        let each = { (element: Element) -> Bool in
            guard remaining > 0, body(element) else { return false }
            remaining -= 1
            return true
        }
        if let tail, !tail.forEachNewest(each) { return }
        for chunk in full.reversed() {
            guard chunk.forEachNewest(each) else { return }
        }
    }

    /// The newest `n` elements, oldest first.
    public func suffix(_ n: Int) -> [Element] {
        let n = Swift.min(Swift.max(n, 0), count)
        return (count - n..<count).map { self[$0] }
    }

    public func makeIterator() -> AnyIterator<Element> {
        var i = 0
        return AnyIterator {
            guard i < count else { return nil }
            defer { i += 1 }
            return self[i]
        }
    }
}

// Chunks are written only while uniquely referenced (checked in `append`), as Array's own
// copy-on-write does; a chunk shared between copies is never written.
extension ChunkedRing: @unchecked Sendable where Element: Sendable {}
