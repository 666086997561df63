/// A metric type named by a `# TYPE` line.
public enum PrometheusMetricType: String, Sendable, Hashable, CaseIterable {
    case counter, gauge, histogram, summary, untyped

    /// The type a `# TYPE` word names; words the text format does not define are `untyped`.
    public init(typeWord: String) {
        self = PrometheusMetricType(rawValue: typeWord) ?? .untyped
    }
}

/// What `# HELP` and `# TYPE` lines said about one metric family.
public struct PrometheusFamily: Sendable, Hashable {
    /// The family name (a histogram `x` has samples `x_bucket`, `x_sum`, `x_count`).
    public var name: String
    /// From `# TYPE`; `untyped` when there was none.
    public var type: PrometheusMetricType
    /// From `# HELP`, unescaped.
    public var help: String?

    public init(name: String, type: PrometheusMetricType = .untyped, help: String? = nil) {
        self.name = name
        self.type = type
        self.help = help
    }
}
