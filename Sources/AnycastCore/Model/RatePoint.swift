import Foundation

/// One point of a rate history: the queries per second over the second that ended at `t`.
///
/// On the wire `t` is Unix time in seconds (a number), which keeps a 300-point history small
/// and fast to decode.
public struct RatePoint: Codable, Sendable, Hashable {
    /// End of the interval the rate covers.
    public var t: Date
    /// Queries per second over that interval.
    public var qps: Double

    public init(t: Date, qps: Double) {
        self.t = t
        self.qps = qps
    }

    enum CodingKeys: String, CodingKey { case t, qps }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        t = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .t))
        qps = try c.decode(Double.self, forKey: .qps)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode((t.timeIntervalSince1970 * 1000).rounded() / 1000, forKey: .t)
        try c.encode((qps * 100).rounded() / 100, forKey: .qps)
    }
}
