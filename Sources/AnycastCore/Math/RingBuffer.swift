/// A fixed-capacity buffer that keeps the newest `capacity` elements; memory never grows.
///
/// Elements are stored unwrapped (no `Optional` per slot): the storage grows to `capacity`
/// once and is then written over in place.
public struct RingBuffer<Element>: Sequence {
    private var storage: ContiguousArray<Element>
    private var head = 0  // index of the oldest element once the buffer is full
    /// How many elements the buffer keeps.
    public let capacity: Int

    public init(capacity: Int) {
        precondition(capacity > 0, "a ring buffer needs room for at least one element")
        self.capacity = capacity
        storage = []
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// Appends an element, dropping the oldest when full.
    public mutating func append(_ element: Element) {
        if storage.count < capacity {
            if storage.isEmpty { storage.reserveCapacity(capacity) }
            storage.append(element)
        } else {
            storage[head] = element
            head = head + 1 == capacity ? 0 : head + 1
        }
    }

    /// The element `index` places after the oldest one.
    public subscript(index: Int) -> Element {
        precondition(index >= 0 && index < storage.count, "ring buffer index out of range")
        let i = head + index
        return storage[i < storage.count ? i : i - storage.count]
    }

    public var last: Element? { storage.isEmpty ? nil : self[storage.count - 1] }
    public var first: Element? { storage.isEmpty ? nil : self[0] }

    public mutating func removeAll() {
        storage = []
        head = 0
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
