import Foundation

/// The recent one-second query rates of a site in a fixed-size ring (15 minutes by default).
public struct RateHistory: Sendable {
    /// Fifteen minutes of one-second points.
    public static let defaultCapacity = 900

    private var ring: RingBuffer<RatePoint>

    public init(capacity: Int = RateHistory.defaultCapacity) {
        ring = RingBuffer(capacity: capacity)
    }

    public var count: Int { ring.count }
    public var capacity: Int { ring.capacity }
    public var latest: RatePoint? { ring.last }

    /// Appends a point if it is newer than the newest one held; older or equal times are ignored
    /// so merging overlapping histories never duplicates a second.
    public mutating func append(_ point: RatePoint) {
        if let last = ring.last, point.t <= last.t { return }
        guard point.qps.isFinite, point.qps >= 0 else { return }
        ring.append(point)
    }

    /// Appends every point of `points` (oldest first) that is newer than the newest one held.
    public mutating func merge<S: Sequence>(_ points: S) where S.Element == RatePoint {
        for p in points { append(p) }
    }

    /// Every point, oldest first.
    public var points: [RatePoint] { Array(ring) }

    /// The newest `n` points, oldest first.
    public func recent(_ n: Int) -> [RatePoint] { ring.suffix(n) }

    /// Points strictly after `time`, oldest first.
    public func points(after time: Date) -> [RatePoint] {
        var result: [RatePoint] = []
        var i = ring.count - 1
        while i >= 0, ring[i].t > time { i -= 1 }
        i += 1
        result.reserveCapacity(ring.count - i)
        while i < ring.count { result.append(ring[i]); i += 1 }
        return result
    }

    /// Mean rate over the newest `n` points, `nil` if there are none.
    public func mean(ofLast n: Int) -> Double? {
        let pts = ring.suffix(n)
        guard !pts.isEmpty else { return nil }
        return pts.reduce(0) { $0 + $1.qps } / Double(pts.count)
    }
}
