/// How many terminal columns text takes: 2 for East Asian wide characters and emoji, 0 for
/// combining marks and zero-width characters, 1 otherwise. `String.count` is not a width.
public enum DisplayWidth {
    /// Columns of one grapheme.
    public static func of(_ c: Character) -> Int {
        // Fast paths: ASCII, and the Latin, box-drawing and block characters views use most.
        if let ascii = c.asciiValue { return ascii >= 0x20 && ascii < 0x7F ? 1 : 0 }
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.count == 1 {
            let v = first.value
            if (0xA0..<0x300).contains(v) || (0x2500..<0x2600).contains(v) { return 1 }
        }
        if c.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }  // emoji presentation
        return width(of: first)
    }

    /// Columns of a string.
    public static func of(_ s: some StringProtocol) -> Int {
        if s.unicodeScalars.allSatisfy(CellGrid.isSimple) { return s.unicodeScalars.count { $0.value >= 0x20 && $0.value != 0x7F } }
        return s.reduce(0) { $0 + of($1) }
    }

    static func width(of s: Unicode.Scalar) -> Int {
        let v = s.value
        if v == 0 { return 0 }
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B { return 0 }
        if s.properties.isEmojiPresentation { return 2 }
        for range in wide where range.contains(v) { return 2 }
        return 1
    }

    // East Asian Wide and Fullwidth blocks (Unicode EastAsianWidth W/F), condensed.
    static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// `s` cut to at most `columns` columns, with `…` when something was cut.
    public static func truncate(_ s: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if of(s) <= columns { return s }
        var out = ""
        var used = 0
        for c in s {
            let w = of(c)
            if used + w > columns - 1 { break }
            out.append(c)
            used += w
        }
        return out + "…"
    }

    /// `s` padded with spaces (or cut) to exactly `columns` columns.
    public static func pad(_ s: String, to columns: Int, alignRight: Bool = false) -> String {
        let t = truncate(s, to: columns)
        let fill = String(repeating: " ", count: max(0, columns - of(t)))
        return alignRight ? fill + t : t + fill
    }
}
