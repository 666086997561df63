/// TOML 1.0's grammar for the values that are not strings, arrays or tables: integers
/// (decimal, 0x, 0o, 0b, with `_` between digits), floats (with `inf` and `nan`), booleans,
/// and offset or local dates and times (RFC 3339, `T`, `t` or one space between date and time).
/// Used by `TOMLSyntaxCheck` on ASCII tokens, before toml++ sees them.
enum TOMLScalarGrammar {
    static func isValid(_ t: [UInt8]) -> Bool {
        if t == Array("true".utf8) || t == Array("false".utf8) { return true }
        return isInteger(t) || isFloat(t) || isDateTime(t)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46) }

    /// Digits (as `digit` says) with single underscores between them; at least one digit.
    private static func isDigitRun(_ t: ArraySlice<UInt8>, _ digit: (UInt8) -> Bool) -> Bool {
        guard let first = t.first, let last = t.last, digit(first), digit(last) else { return false }
        var previousUnderscore = false
        for c in t {
            if c == UInt8(ascii: "_") {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if digit(c) {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }

    private static func dropSign(_ t: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        if let f = t.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { return t.dropFirst() }
        return t
    }

    /// A decimal integer without leading zeros (but `0`), its sign optional.
    private static func isDecimal(_ t: ArraySlice<UInt8>) -> Bool {
        let u = dropSign(t)
        guard isDigitRun(u, isDigit) else { return false }
        return u.count == 1 || u.first != UInt8(ascii: "0")
    }

    static func isInteger(_ t: [UInt8]) -> Bool {
        let s = t[...]
        if t.count > 2, t[0] == UInt8(ascii: "0") {
            let rest = s.dropFirst(2)
            switch t[1] {
            case UInt8(ascii: "x"): return isDigitRun(rest, isHex)
            case UInt8(ascii: "o"): return isDigitRun(rest) { $0 >= 0x30 && $0 <= 0x37 }
            case UInt8(ascii: "b"): return isDigitRun(rest) { $0 == 0x30 || $0 == 0x31 }
            default: break
            }
        }
        return isDecimal(s)
    }

    static func isFloat(_ t: [UInt8]) -> Bool {
        let s = t[...]
        let unsigned = dropSign(s)
        if unsigned.elementsEqual("inf".utf8) || unsigned.elementsEqual("nan".utf8) { return true }
        let exponentAt = s.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = exponentAt.map { s[..<$0] } ?? s
        let dot = mantissa.firstIndex(of: UInt8(ascii: "."))
        guard exponentAt != nil || dot != nil else { return false }
        let integerPart = dot.map { mantissa[..<$0] } ?? mantissa
        guard isDecimal(integerPart) else { return false }
        if let dot, !isDigitRun(mantissa[(dot + 1)...], isDigit) { return false }
        if let e = exponentAt, !isDigitRun(dropSign(s[(e + 1)...]), isDigit) { return false }
        return true
    }

    /// `n` digits at `t[at...]`.
    private static func digits(_ t: [UInt8], _ at: Int, _ n: Int) -> Bool {
        at + n <= t.count && t[at..<(at + n)].allSatisfy(isDigit)
    }

    /// HH:MM:SS with an optional fraction, from `at`; the index after it, or nil.
    private static func time(_ t: [UInt8], from at: Int) -> Int? {
        guard digits(t, at, 2), at + 2 < t.count, t[at + 2] == UInt8(ascii: ":"), digits(t, at + 3, 2),
              at + 5 < t.count, t[at + 5] == UInt8(ascii: ":"), digits(t, at + 6, 2) else { return nil }
        var end = at + 8
        if end < t.count, t[end] == UInt8(ascii: ".") {
            let fraction = end + 1
            end = fraction
            while end < t.count, isDigit(t[end]) { end += 1 }
            if end == fraction { return nil }
        }
        return end
    }

    static func isDateTime(_ t: [UInt8]) -> Bool {
        // A local time alone.
        if let end = time(t, from: 0) { return end == t.count }
        // A date: YYYY-MM-DD.
        guard digits(t, 0, 4), t.count >= 10, t[4] == UInt8(ascii: "-"), digits(t, 5, 2), t[7] == UInt8(ascii: "-"), digits(t, 8, 2) else {
            return false
        }
        if t.count == 10 { return true }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(t[10]), var end = time(t, from: 11) else { return false }
        if end == t.count { return true }  // a local date-time
        // An offset: Z, or +HH:MM / -HH:MM.
        if t[end] == UInt8(ascii: "Z") || t[end] == UInt8(ascii: "z") { return end + 1 == t.count }
        guard t[end] == UInt8(ascii: "+") || t[end] == UInt8(ascii: "-") else { return false }
        end += 1
        return digits(t, end, 2) && end + 2 < t.count && t[end + 2] == UInt8(ascii: ":") && digits(t, end + 3, 2) && end + 5 == t.count
    }
}
