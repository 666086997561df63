/// A query value read as the spec's `type: number` means it: JSON number syntax only (no
/// `inf`, `nan`, hex or a leading `+`, which `Double.init` would take), and any such number,
/// however large (one beyond a Double's range reads as an infinity of its sign).
enum JSONNumberText {
    static func parse(_ text: Substring) -> Double? {
        guard isJSONNumber(text.utf8) else { return nil }
        return Double(text)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    static func isJSONNumber(_ bytes: Substring.UTF8View) -> Bool {
        var i = bytes.startIndex
        func at(_ c: Character) -> Bool { i < bytes.endIndex && bytes[i] == c.asciiValue! }
        func digits() -> Int {
            var n = 0
            while i < bytes.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i = bytes.index(after: i); n += 1 }
            return n
        }
        if at("-") { i = bytes.index(after: i) }
        if at("0") { i = bytes.index(after: i) } else if digits() == 0 { return false }
        if at(".") { i = bytes.index(after: i); guard digits() > 0 else { return false } }
        if at("e") || at("E") {
            i = bytes.index(after: i)
            if at("+") || at("-") { i = bytes.index(after: i) }
            guard digits() > 0 else { return false }
        }
        return i == bytes.endIndex
    }
}
