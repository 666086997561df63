import Foundation

/// A drain lease as an operator writes it, in the dashboard's dialog or on the command line:
/// a number and a unit (`45s`, `90m`, `1.5h`, `1d`) or parts together (`1h30m`), in the whole
/// seconds the API takes. A bare number is refused rather than guessed at: minutes or seconds?
public enum LeaseDuration {
    /// Why a text is not a lease, for the operator.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// How to write one, for a field that refuses a text.
    public static let example = "give a duration like 2h, 90m or 45s"

    static let units: [Character: Double] = ["d": 86_400, "h": 3600, "m": 60, "s": 1]

    /// The seconds `text` stands for: at least 1, at most the API's longest lease (366 days),
    /// and whole.
    public static func seconds(_ text: String) throws(Invalid) -> Int {
        let hint = "give a number and a unit: 45s, 90m, 2h or 1d"
        let notOne = Invalid(description: "'\(text)' is not a duration: \(hint)")
        var total = 0.0
        var number = ""
        for c in text.lowercased() where c != " " {
            if c.isASCII && (c.isNumber || c == ".") {
                number.append(c)
            } else if let unit = units[c], let value = Double(number), !number.hasPrefix(".") {
                total += value * unit
                number = ""
            } else {
                throw notOne
            }
        }
        guard number.isEmpty, total > 0 || text.contains(where: \.isNumber) else { throw notOne }
        guard total >= 1 else { throw Invalid(description: "'\(text)' is shorter than the shortest lease, 1s") }
        guard total <= Double(RequestValidationError.maxLeaseSeconds) else {
            throw Invalid(description: "'\(text)' is longer than the longest lease, 366d")
        }
        guard total == total.rounded() else { throw Invalid(description: "'\(text)' is not a whole number of seconds") }
        return Int(total)
    }
}
