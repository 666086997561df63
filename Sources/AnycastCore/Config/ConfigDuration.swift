/// Parses the durations config files use: `500ms`, `1s`, `1.5s`, `2m`, `1h`.
public enum ConfigDuration {
    /// Longest duration a config may give: a year (more is surely a typo, and would overflow).
    public static let longest: Duration = .seconds(366 * 86_400)

    /// The duration written in `text`, or `nil` if it is not one (or not positive, or longer
    /// than `longest`).
    public static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let t = text.trimmingWhitespace()
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            let number = t.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }),
                  let value = Double(number), value > 0, value * scale <= longest.inSeconds
            else { return nil }
            return .milliseconds(Int64((value * scale * 1000).rounded()))
        }
        return nil
    }

    /// `1s`, `500ms`, `2m`: the shortest exact form of `duration`.
    public static func format(_ duration: Duration) -> String {
        let ms = duration.wholeMilliseconds
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}
