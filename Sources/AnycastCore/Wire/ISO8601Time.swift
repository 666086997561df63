import Foundation

/// ISO 8601 UTC times with millisecond precision, as the API writes them.
public enum ISO8601Time {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// `2026-11-27T16:41:30.123Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(withFraction)
    }

    /// Parses an ISO 8601 time with or without fractional seconds; `nil` if it is not one.
    public static func parse(_ text: String) -> Date? {
        if let d = try? withFraction.parse(text) { return d }
        return try? withoutFraction.parse(text)
    }
}
