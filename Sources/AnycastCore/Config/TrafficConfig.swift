/// Where an agent reads its site's query counters: `[traffic]` in the agent config.
public enum TrafficConfig: Sendable, Hashable {
    /// No `[traffic]` section: the status reports `qps: null` with a reason.
    case none
    /// Unbound's control socket (`UBCT1 stats_noreset`).
    case unbound(control: String)
    /// NSD's control socket (`NSDCT1 stats_noreset`).
    case nsd(control: String)
    /// A Prometheus text exposition: the counter's series matching `labels`, summed.
    case prometheus(PrometheusTrafficConfig)
}

/// `[traffic] kind = "prometheus"`.
public struct PrometheusTrafficConfig: Sendable, Hashable {
    public var url: String
    public var counter: String
    public var labels: [String: String]
    public var rcodeLabel: String?
    public var latencyHistogram: String?

    public init(url: String, counter: String, labels: [String: String] = [:], rcodeLabel: String? = nil, latencyHistogram: String? = nil) {
        self.url = url
        self.counter = counter
        self.labels = labels
        self.rcodeLabel = rcodeLabel
        self.latencyHistogram = latencyHistogram
    }
}
