/// Short number forms for narrow columns. Hand-rolled rather than `String(format:)`, which
/// cost more than the rest of a table row together.
public enum NumberFormat {
    /// `value` with exactly `decimals` decimals (0–3), rounded half away from zero.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let scale = [1.0, 10.0, 100.0, 1000.0][max(0, min(3, decimals))]
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return String(Int64(value)) }
        let n = Int64(scaled)
        let whole = n / Int64(scale)
        var out = (value < 0 && n != 0 ? "-" : "") + String(whole)
        if decimals > 0 {
            let frac = String(n % Int64(scale))
            out += "." + String(repeating: "0", count: decimals - frac.count) + frac
        }
        return out
    }

    /// `950`, `12.3k`, `4.56M`: at most five characters for rates up to 999M.
    public static func compactRate(_ value: Double?) -> String {
        guard let v = value, v.isFinite else { return "-" }
        switch abs(v) {
        case ..<1000: return v < 10 ? fixed(v, decimals: 1) : fixed(v, decimals: 0)
        case ..<10_000: return fixed(v / 1000, decimals: 2) + "k"
        case ..<1_000_000: return fixed(v / 1000, decimals: 1) + "k"
        default: return fixed(v / 1_000_000, decimals: 2) + "M"
        }
    }

    /// `0.84` ms, `12.5`, `130`: milliseconds with sensible precision.
    public static func milliseconds(_ value: Double?) -> String {
        guard let v = value, v.isFinite else { return "-" }
        switch v {
        case ..<10: return fixed(v, decimals: 2)
        case ..<100: return fixed(v, decimals: 1)
        default: return fixed(v, decimals: 0)
        }
    }

    /// `8.6%`.
    public static func percent(_ fraction: Double?) -> String {
        guard let f = fraction, f.isFinite else { return "-" }
        return fixed(f * 100, decimals: 1) + "%"
    }

    /// `300 ms`, `2.5 s`, `10 s`: a duration as given, under a second in milliseconds, else in
    /// seconds with at most `decimals` decimals and no trailing zeros.
    public static func duration(seconds: Double, decimals: Int = 3) -> String {
        guard seconds.isFinite else { return "-" }
        let ms = (seconds * 1000).rounded()
        if abs(ms) < 1000 { return fixed(ms, decimals: 0) + " ms" }
        var text = fixed(seconds, decimals: decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text + " s"
    }

    /// `0.4s`, `12s`, `5m`, `3h`, `2d`: an age.
    public static func age(_ seconds: Double?) -> String {
        guard let s = seconds, s.isFinite else { return "-" }
        switch s {
        case ..<10: return fixed(s, decimals: 1) + "s"
        case ..<120: return "\(Int(s))s"
        case ..<7200: return "\(Int(s / 60))m"
        case ..<172_800: return "\(Int(s / 3600))h"
        default: return "\(Int(s / 86_400))d"
        }
    }

    /// `45s`, `1m20s`, `12m`, `1h23m`, `2d3h`: a span of time to the minute once it is long
    /// (a lease left, a drain step's age). `roundUp` for what is left: a lease of 2h just given
    /// reads `2h`, not `1h59m`.
    public static func span(_ seconds: Double, roundUp: Bool = false) -> String {
        guard seconds.isFinite else { return "-" }
        let whole = Int(min(1e12, max(0, roundUp ? seconds.rounded(.up) : seconds.rounded(.down))))
        if whole < 60 { return "\(whole)s" }
        if whole < 600 {
            let s = whole % 60
            return "\(whole / 60)m" + (s == 0 ? "" : "\(s)s")
        }
        let minutes = roundUp ? (whole + 59) / 60 : whole / 60
        if minutes < 60 { return "\(minutes)m" }
        if minutes < 24 * 60 {
            let m = minutes % 60
            return "\(minutes / 60)h" + (m == 0 ? "" : "\(m)m")
        }
        let hours = roundUp ? (minutes + 59) / 60 : minutes / 60
        let h = hours % 24
        return "\(hours / 24)d" + (h == 0 ? "" : "\(h)h")
    }
}
