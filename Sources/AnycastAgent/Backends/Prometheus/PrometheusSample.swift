/// One sample line of a Prometheus text exposition: `name{label="value",...} value [timestamp]`.
public struct PrometheusSample: Sendable, Hashable {
    /// The series' metric name as written (`x_bucket`, `x_sum`, ... for histograms).
    public var name: String
    /// Label names to (unescaped) values.
    public var labels: [String: String]
    /// The value; may be NaN or ±Inf.
    public var value: Double
    /// Milliseconds since the Unix epoch, when the exporter sent one.
    public var timestampMs: Int64?

    public init(name: String, labels: [String: String] = [:], value: Double, timestampMs: Int64? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestampMs = timestampMs
    }

    /// Whether every given label pair is present on this sample with the same value.
    public func matches(_ wanted: [String: String]) -> Bool {
        wanted.allSatisfy { labels[$0.key] == $0.value }
    }

    /// `name{a="1",b="2"}` with labels sorted by name, escaped as in the exposition.
    public var seriesDescription: String {
        guard !labels.isEmpty else { return name }
        let inner = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(Self.escape($0.value))\"" }
        return name + "{" + inner.joined(separator: ",") + "}"
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
