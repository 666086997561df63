import Foundation

/// Short number forms for narrow columns.
public enum NumberFormat {
    /// `950`, `12.3k`, `4.56M`: at most five characters for rates up to 999M.
    public static func compactRate(_ value: Double?) -> String {
        guard let v = value, v.isFinite else { return "-" }
        switch abs(v) {
        case ..<1000: return v < 10 ? String(format: "%.1f", v) : String(format: "%.0f", v)
        case ..<10_000: return String(format: "%.2fk", v / 1000)
        case ..<1_000_000: return String(format: "%.1fk", v / 1000)
        default: return String(format: "%.2fM", v / 1_000_000)
        }
    }

    /// `0.84` ms, `12.5`, `130`: milliseconds with sensible precision.
    public static func milliseconds(_ value: Double?) -> String {
        guard let v = value, v.isFinite else { return "-" }
        switch v {
        case ..<10: return String(format: "%.2f", v)
        case ..<100: return String(format: "%.1f", v)
        default: return String(format: "%.0f", v)
        }
    }

    /// `8.6%`.
    public static func percent(_ fraction: Double?) -> String {
        guard let f = fraction, f.isFinite else { return "-" }
        return String(format: "%.1f%%", f * 100)
    }

    /// `0.4s`, `12s`, `5m`, `3h`, `2d`: an age.
    public static func age(_ seconds: TimeInterval?) -> String {
        guard let s = seconds, s.isFinite else { return "-" }
        switch s {
        case ..<10: return String(format: "%.1fs", s)
        case ..<120: return "\(Int(s))s"
        case ..<7200: return "\(Int(s / 60))m"
        case ..<172_800: return "\(Int(s / 3600))h"
        default: return "\(Int(s / 86_400))d"
        }
    }
}
