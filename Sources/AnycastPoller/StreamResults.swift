import AnycastCore

/// What one status stream has read since the poller last took from it, oldest first.
///
/// A stream almost always holds one line when it is taken (its agent speaks once a second,
/// the poller takes once a second). That line is kept inline, and only further ones go to an
/// array: a stream with an array alone made a new buffer for every line, since each take left
/// it empty, and the take freed it again (3% of the dashboard's CPU at 1,000 sites).
public struct StreamResults: Sendable, RandomAccessCollection {
    public typealias Element = (result: Result<StatusUpdate, AgentClientError>, wholeHistory: Bool)

    private var oldest: Element?
    /// The ones after `oldest`, oldest first.
    private var newer: [Element] = []

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { oldest == nil ? 0 : 1 + newer.count }

    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < endIndex, "index out of range")
        return position == 0 ? oldest! : newer[position - 1]
    }

    mutating func append(_ element: Element) {
        if oldest == nil { oldest = element } else { newer.append(element) }
    }

    /// Takes the oldest result out, or nil when there is none left.
    public mutating func popFirst() -> Element? {
        guard let taken = oldest.take() else { return nil }
        // More than one line between takes is rare (a slow cycle): shifting the array is cheap.
        if !newer.isEmpty { oldest = newer.removeFirst() }
        return taken
    }
}
