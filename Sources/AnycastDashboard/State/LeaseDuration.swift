import AnycastCore

/// A drain lease as an operator types it: `2h`, `90m`, `45s`, `1d`, or parts together
/// (`1h30m`). A bare number is refused rather than guessed at: minutes or seconds?
public enum LeaseDuration {
    /// What the lease field says when the text is no duration.
    public static let example = "give a duration like 2h, 90m or 45s"

    /// The seconds `text` gives; nil when it is not a duration, is zero, or is longer than the
    /// API accepts.
    public static func seconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["d": 86_400, "h": 3600, "m": 60, "s": 1]
        var total = 0
        var number = 0
        var digits = 0
        var parts = 0
        for c in text.lowercased() where c != " " {
            if let d = c.wholeNumberValue, c.isASCII {
                number = number * 10 + d
                digits += 1
                guard digits <= 9 else { return nil }
            } else if let unit = units[c], digits > 0 {
                total += number * unit
                guard total <= RequestValidationError.maxLeaseSeconds else { return nil }
                number = 0
                digits = 0
                parts += 1
            } else {
                return nil
            }
        }
        guard digits == 0, parts > 0, total > 0 else { return nil }
        return total
    }
}
