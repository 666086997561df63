import Foundation

/// ISO 8601 UTC times with millisecond precision, as the API writes them.
///
/// The API's own form (`2026-11-27T16:41:30.123Z`) is written and read by hand: the dashboard
/// reads several per site per second, and Foundation's general parser cost more than the rest
/// of decoding a status. Other ISO 8601 forms (offsets, no fraction) go to Foundation.
public enum ISO8601Time {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// `2026-11-27T16:41:30.123Z`.
    public static func format(_ date: Date) -> String {
        let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var days = totalMs >= 0 ? totalMs / 86_400_000 : (totalMs - 86_399_999) / 86_400_000
        let msOfDay = totalMs - days * 86_400_000
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        guard (0...9999).contains(year) else { return date.formatted(withFraction) }
        var out = [UInt8]()
        out.reserveCapacity(24)
        func digits(_ v: Int64, _ n: Int) {
            var d = [UInt8](repeating: 48, count: n)
            var x = v
            for i in stride(from: n - 1, through: 0, by: -1) { d[i] = UInt8(48 + x % 10); x /= 10 }
            out += d
        }
        digits(year, 4); out.append(45); digits(month, 2); out.append(45); digits(day, 2); out.append(84)
        digits(msOfDay / 3_600_000, 2); out.append(58); digits(msOfDay / 60_000 % 60, 2); out.append(58)
        digits(msOfDay / 1000 % 60, 2); out.append(46); digits(msOfDay % 1000, 3); out.append(90)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses an ISO 8601 time with or without fractional seconds; `nil` if it is not one.
    public static func parse(_ text: String) -> Date? {
        if let d = parseUTC(text) { return d }
        if let d = try? withFraction.parse(text) { return d }
        return try? withoutFraction.parse(text)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` only.
    static func parseUTC(_ text: String) -> Date? {
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { b -> Date? in
            guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58,
                  b[b.count - 1] == 90 || b[b.count - 1] == 122 else { return nil }
            func num(_ from: Int, _ n: Int) -> Int64? {
                var v: Int64 = 0
                for i in from..<from + n {
                    let c = b[i]
                    guard c >= 48 && c <= 57 else { return nil }
                    v = v * 10 + Int64(c - 48)
                }
                return v
            }
            guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
                  (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
            var fraction = 0.0
            if b.count > 20 {
                guard b[19] == 46, b.count > 21 else { return nil }
                var scale = 0.1
                for i in 20..<b.count - 1 {
                    let c = b[i]
                    guard c >= 48 && c <= 57 else { return nil }
                    fraction += Double(c - 48) * scale
                    scale /= 10
                }
            } else if b[19] != 90 && b[19] != 122 {
                return nil
            }
            // Days from civil (Howard Hinnant's algorithm).
            let yy = mo <= 2 ? y - 1 : y
            let era = (yy >= 0 ? yy : yy - 399) / 400
            let yoe = yy - era * 400
            let mp = mo > 2 ? mo - 3 : mo + 9
            let doy = (153 * mp + 2) / 5 + d - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            let days = era * 146_097 + doe - 719_468
            let seconds = Double(days * 86_400 + h * 3600 + mi * 60 + s) + fraction
            return Date(timeIntervalSince1970: seconds)
        } ?? nil
    }
}
