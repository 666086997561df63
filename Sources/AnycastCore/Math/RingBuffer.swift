/// A fixed-capacity buffer that keeps the newest `capacity` elements; memory never grows.
public struct RingBuffer<Element>: Sequence {
    private var storage: ContiguousArray<Element?>
    private var head = 0  // index of the oldest element
    public private(set) var count = 0

    /// How many elements the buffer keeps.
    public var capacity: Int { storage.count }

    public init(capacity: Int) {
        precondition(capacity > 0, "a ring buffer needs room for at least one element")
        storage = ContiguousArray(repeating: nil, count: capacity)
    }

    public var isEmpty: Bool { count == 0 }

    /// Appends an element, dropping the oldest when full.
    public mutating func append(_ element: Element) {
        if count < capacity {
            storage[(head + count) % capacity] = element
            count += 1
        } else {
            storage[head] = element
            head = (head + 1) % capacity
        }
    }

    /// The element `index` places after the oldest one.
    public subscript(index: Int) -> Element {
        precondition(index >= 0 && index < count, "ring buffer index out of range")
        return storage[(head + index) % capacity]!
    }

    public var last: Element? { count == 0 ? nil : self[count - 1] }
    public var first: Element? { count == 0 ? nil : self[0] }

    public mutating func removeAll() {
        storage = ContiguousArray(repeating: nil, count: capacity)
        head = 0
        count = 0
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

extension RingBuffer: Sendable where Element: Sendable {}
