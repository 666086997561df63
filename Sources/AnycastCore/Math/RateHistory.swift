import Foundation

/// The recent one-second query rates of a site in a fixed-size ring (15 minutes by default);
/// copies share their storage (`ChunkedRing`).
public struct RateHistory: Sendable {
    /// Fifteen minutes of one-second points.
    public static let defaultCapacity = 900

    private var ring: ChunkedRing<RatePoint>

    public init(capacity: Int = RateHistory.defaultCapacity) {
        ring = ChunkedRing(capacity: capacity)
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

    /// Adds `points` that may be older than the points held, as when a site's older history
    /// arrives after its first polls: points older than the oldest held go before it, points
    /// newer than the newest held after it, the newest `capacity` are kept; the points held
    /// keep their rates.
    public mutating func backfill(_ points: [RatePoint]) {
        guard let oldest = ring.first else { merge(points); return }
        var older = points.filter { $0.t < oldest.t && $0.qps.isFinite && $0.qps >= 0 }
        guard !older.isEmpty else { merge(points); return }
        older.sort { $0.t < $1.t }
        let held = Array(ring)
        let newer = points.filter { $0.t > (held.last?.t ?? oldest.t) }
        ring.removeAll()
        var lastTime: Date?
        for p in older + held where lastTime.map({ p.t > $0 }) ?? true {
            ring.append(p)
            lastTime = p.t
        }
        merge(newer)
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
