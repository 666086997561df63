/// Answer latency quantiles at a site and where they come from.
public struct LatencyStatus: Codable, Sendable, Hashable {
    public var p50Ms: Double?
    public var p95Ms: Double?
    public var p99Ms: Double?
    /// What measured it: `probe`, `unbound-histogram`, `prometheus`, `simulated`, or `none`.
    public var source: String
    /// Share of probe queries answered as expected over the probe's window (0...1).
    public var successRatio: Double?

    enum CodingKeys: String, CodingKey {
        case p50Ms = "p50_ms"
        case p95Ms = "p95_ms"
        case p99Ms = "p99_ms"
        case source
        case successRatio = "success_ratio"
    }

    public init(p50Ms: Double?, p95Ms: Double?, p99Ms: Double?, source: String, successRatio: Double? = nil) {
        self.p50Ms = p50Ms
        self.p95Ms = p95Ms
        self.p99Ms = p99Ms
        self.source = source
        self.successRatio = successRatio
    }

    /// The sources agents name, in a fixed order: a site's figures keep the position of the
    /// one its status holds, a number, to compare each update's with.
    static let knownSources = ["none", "probe", "unbound-histogram", "prometheus", "simulated"]

    /// `source`'s position in `knownSources`, `UInt8.max` for any other.
    static func sourceIndex(_ source: String) -> UInt8 {
        knownSources.firstIndex(of: source).map(UInt8.init) ?? .max
    }

    /// No latency data.
    public static let none = LatencyStatus(p50Ms: nil, p95Ms: nil, p99Ms: nil, source: "none")
}
