import AnycastCore
import Foundation

/// The length of a drain lease as the command line gives it (`45s`, `90m`, `2h`, `1d`), in
/// the whole seconds the API takes.
public enum LeaseDuration {
    /// Why a lease text is not one, for the operator (the command exits 2 with it).
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    static let units: [(suffix: String, seconds: Double)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]

    /// The seconds `text` stands for: a positive number and one unit (s, m, h, d), whole
    /// seconds, at most a year (the API's limit; sites may set a shorter `max_lease`).
    public static func seconds(_ text: String) throws(Invalid) -> Int {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let hint = "give a number and a unit: 45s, 90m, 2h or 1d"
        guard let unit = units.first(where: { t.hasSuffix($0.suffix) }) else {
            throw Invalid(description: "'\(text)' is not a duration: \(hint)")
        }
        let number = t.dropLast(unit.suffix.count)
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(number) else {
            throw Invalid(description: "'\(text)' is not a duration: \(hint)")
        }
        let total = value * unit.seconds
        guard total >= 1 else { throw Invalid(description: "'\(text)' is shorter than the shortest lease, 1s") }
        guard total <= Double(RequestValidationError.maxLeaseSeconds) else {
            throw Invalid(description: "'\(text)' is longer than the longest lease, 366d")
        }
        guard total == total.rounded() else { throw Invalid(description: "'\(text)' is not a whole number of seconds") }
        return Int(total)
    }

    /// `45s`, `12m`, `1h30m`, `2d3h`: a lease's length or time left, to the unit that matters.
    public static func text(seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m\(s % 60)s"
        case ..<86_400: return (s % 3600) / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h\((s % 3600) / 60)m"
        default: return (s % 86_400) / 3600 == 0 ? "\(s / 86_400)d" : "\(s / 86_400)d\((s % 86_400) / 3600)h"
        }
    }
}
