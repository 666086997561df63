import Foundation

/// Parses the time columns of BIRD's `show protocols` and `show route` output.
public enum BirdTime {
    /// How far in the future a short time may be (clock skew between BIRD and us) before it
    /// is taken to mean yesterday.
    public static let futureTolerance: TimeInterval = 60

    /// BIRD's time columns: "hh:mm:ss" / "hh:mm:ss.sss" (today, or yesterday if that would be in the future, relative to `now`, in UTC unless the config says otherwise — treat as UTC),
    /// "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd hh:mm:ss.sss" (iso long). nil for anything else.
    ///
    /// "In the future" allows `futureTolerance` seconds of clock skew.
    public static func parse(_ text: String, now: Date) -> Date? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true)
        switch parts.count {
        case 1:
            if let day = parseDate(parts[0]) { return date(day: day, seconds: 0) }
            guard let seconds = parseTime(parts[0]) else { return nil }
            let today = Int((now.timeIntervalSince1970 / 86_400).rounded(.down))
            let candidate = date(day: today, seconds: seconds)
            if candidate.timeIntervalSince(now) > futureTolerance {
                return date(day: today - 1, seconds: seconds)
            }
            return candidate
        case 2:
            guard let day = parseDate(parts[0]), let seconds = parseTime(parts[1]) else { return nil }
            return date(day: day, seconds: seconds)
        default:
            return nil
        }
    }

    private static func date(day: Int, seconds: Double) -> Date {
        Date(timeIntervalSince1970: Double(day) * 86_400 + seconds)
    }

    /// "yyyy-mm-dd" → days since 1970-01-01.
    private static func parseDate(_ text: Substring) -> Int? {
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count == 4, fields[1].count == 2, fields[2].count == 2,
              let year = digits(fields[0]), let month = digits(fields[1]), let day = digits(fields[2]),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return daysFromCivil(year: year, month: month, day: day)
    }

    /// "hh:mm:ss" or "hh:mm:ss.fff" → seconds since midnight.
    private static func parseTime(_ text: Substring) -> Double? {
        let main: Substring
        var fraction = 0.0
        if let dot = text.firstIndex(of: ".") {
            main = text[..<dot]
            let frac = text[text.index(after: dot)...]
            guard !frac.isEmpty, frac.count <= 9, let value = digits(frac) else { return nil }
            fraction = Double(value) / pow(10, Double(frac.count))
        } else {
            main = text
        }
        let fields = main.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3, fields.allSatisfy({ $0.count == 2 }),
              let hour = digits(fields[0]), let minute = digits(fields[1]), let second = digits(fields[2]),
              hour < 24, minute < 60, second < 61 else { return nil }
        return Double(hour * 3600 + minute * 60 + second) + fraction
    }

    private static func digits(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(text)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
