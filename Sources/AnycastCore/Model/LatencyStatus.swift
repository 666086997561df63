/// Answer latency quantiles at a site and where they come from.
public struct LatencyStatus: Codable, Sendable, Hashable {
    public var p50Ms: Double?
    public var p95Ms: Double?
    public var p99Ms: Double?
    /// What measured it: `probe`, `unbound-histogram`, `prometheus`, `simulated`, or `none`.
    public var source: String

    enum CodingKeys: String, CodingKey {
        case p50Ms = "p50_ms"
        case p95Ms = "p95_ms"
        case p99Ms = "p99_ms"
        case source
    }

    public init(p50Ms: Double?, p95Ms: Double?, p99Ms: Double?, source: String) {
        self.p50Ms = p50Ms
        self.p95Ms = p95Ms
        self.p99Ms = p99Ms
        self.source = source
    }

    /// No latency data.
    public static let none = LatencyStatus(p50Ms: nil, p95Ms: nil, p99Ms: nil, source: "none")
}
