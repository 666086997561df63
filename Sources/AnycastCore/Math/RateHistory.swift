import Foundation

/// The recent one-second query rates of a site in a fixed-size ring (15 minutes by default);
/// copies share their storage (`ChunkedRing`).
///
/// Points are stored in 8 bytes: the time in whole milliseconds from the history's first
/// point (the precision the agent's API sends) and the rate as a 32-bit float (7 significant
/// digits; the API's two decimals survive up to about 130,000 queries a second, and above
/// that the error is under one part in ten million). A thousand sites' histories take 7 MiB
/// instead of 14 (BENCHMARKS.md, memory). Points more than 24 days older than the newest
/// (beyond 32 bits of milliseconds) are dropped; the window is minutes long.
public struct RateHistory: Sendable {
    /// Fifteen minutes of one-second points.
    public static let defaultCapacity = 900

    @usableFromInline struct Packed: Sendable {
        @usableFromInline var milliseconds: Int32
        @usableFromInline var qps: Float
    }

    private var ring: ChunkedRing<Packed>
    /// Unix time in milliseconds that the packed times count from.
    @usableFromInline var base: Int64 = 0
    /// The ring's newest point, kept beside it: reading the newest time (each site, each
    /// poll cycle) then touches no chunk, and copies no reference to the ring.
    @usableFromInline var newest: Packed?

    public init(capacity: Int = RateHistory.defaultCapacity) {
        ring = ChunkedRing(capacity: capacity)
    }

    public var count: Int { ring.count }
    public var capacity: Int { ring.capacity }
    /// Inlinable so that a caller reading it from a site held in an array loads these two
    /// fields only, rather than copying the whole history (a retain of its ring) to call it.
    @inlinable public var latest: RatePoint? { newest.map(unpack) }

    @inlinable func unpack(_ p: Packed) -> RatePoint {
        RatePoint(t: Date(timeIntervalSince1970: Double(base + Int64(p.milliseconds)) / 1000), qps: Double(p.qps))
    }

    private static func milliseconds(_ t: Date) -> Int64? {
        let ms = (t.timeIntervalSince1970 * 1000).rounded()
        guard ms.isFinite, abs(ms) < 9e15 else { return nil }
        return Int64(ms)
    }

    /// Appends a point if it is newer than the newest one held (to the millisecond); older or
    /// equal times are ignored so merging overlapping histories never duplicates a second.
    public mutating func append(_ point: RatePoint) {
        guard let ms = Self.milliseconds(point.t) else { return }
        if let last = newest, ms <= base + Int64(last.milliseconds) { return }
        let qps = Float(point.qps)
        guard point.qps >= 0, qps.isFinite else { return }
        if ring.isEmpty { base = ms }
        if ms - base > Int64(Int32.max) {
            // Running for more than 24 days: count from a later time (the ring holds minutes).
            let held = points
            ring.removeAll()
            newest = nil
            base = ms
            for p in held { appendPacked(p) }
        }
        appendPacked(RatePoint(t: point.t, qps: point.qps), ms: ms, qps: qps)
    }

    private mutating func appendPacked(_ p: RatePoint) {
        guard let ms = Self.milliseconds(p.t) else { return }
        appendPacked(p, ms: ms, qps: Float(p.qps))
    }

    private mutating func appendPacked(_ p: RatePoint, ms: Int64, qps: Float) {
        let offset = ms - base
        guard offset >= Int64(Int32.min), offset <= Int64(Int32.max) else { return }
        let packed = Packed(milliseconds: Int32(offset), qps: qps)
        ring.append(packed)
        newest = packed
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
        guard let oldest = ring.first.map(unpack) else { merge(points); return }
        var older = points.filter { $0.t < oldest.t && $0.qps.isFinite && $0.qps >= 0 }
        guard !older.isEmpty else { merge(points); return }
        older.sort { $0.t < $1.t }
        let held = self.points
        let newer = points.filter { $0.t > (held.last?.t ?? oldest.t) }
        ring.removeAll()
        newest = nil
        for p in older + held { append(p) }  // oldest first; append keeps times rising
        merge(newer)
    }

    /// Every point, oldest first.
    public var points: [RatePoint] { ring.map(unpack) }

    /// The newest `n` points, oldest first.
    public func recent(_ n: Int) -> [RatePoint] { ring.suffix(n).map(unpack) }

    /// Calls `body` with the newest `n` points, newest first, as their time in whole
    /// milliseconds since 1970 and their rate, until it returns false; read in place.
    public func forEachNewest(_ n: Int, _ body: (_ milliseconds: Int64, _ qps: Double) -> Bool) {
        let base = self.base
        ring.forEachNewest(n) { body(base + Int64($0.milliseconds), Double($0.qps)) }
    }

    /// Points strictly after `time`, oldest first.
    public func points(after time: Date) -> [RatePoint] {
        var result: [RatePoint] = []
        var i = ring.count - 1
        while i >= 0, unpack(ring[i]).t > time { i -= 1 }
        i += 1
        result.reserveCapacity(ring.count - i)
        while i < ring.count { result.append(unpack(ring[i])); i += 1 }
        return result
    }

    /// Mean rate over the newest `n` points, `nil` if there are none.
    public func mean(ofLast n: Int) -> Double? {
        let pts = ring.suffix(n)
        guard !pts.isEmpty else { return nil }
        return pts.reduce(0) { $0 + Double($1.qps) } / Double(pts.count)
    }
}
