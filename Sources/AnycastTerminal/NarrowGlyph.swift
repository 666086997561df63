import AnycastDashboard

/// What a cell shows when the locale's character set is not UTF-8 (`LC_ALL=C`, a latin-1
/// terminal): curses cannot draw a character outside that set and leaves the cell as it was,
/// so a frame would keep the last frame's characters there. Each glyph is given one byte to
/// draw instead: lines, blocks and the bullet as the terminal's line-drawing characters, which
/// curses turns into plain ASCII on a terminal without them; arrows, marks and sparkline
/// bars as ASCII; anything else, a site's name in another script included, as `?`.
public struct NarrowGlyph: Sendable, Equatable {
    /// The byte to draw: ASCII, or a VT100 line-drawing code when `lineDrawing` is set.
    public let byte: UInt8
    /// Draw `byte` from the terminal's line-drawing set (curses' `A_ALTCHARSET`).
    public let lineDrawing: Bool

    public init(_ byte: UInt8, lineDrawing: Bool = false) {
        self.byte = byte
        self.lineDrawing = lineDrawing
    }

    /// The stand-in for `glyph`. ASCII is itself; the right half of a wide character, which
    /// drew nothing, is a space, since its left half is now one column.
    public static func standIn(for glyph: Glyph) -> NarrowGlyph {
        if glyph.isEmpty { return NarrowGlyph(0x20) }
        if glyph.packed < 0x80 { return NarrowGlyph(UInt8(glyph.packed)) }
        let scalars = glyph.text.unicodeScalars
        guard scalars.count == 1, let scalar = scalars.first else { return NarrowGlyph(0x3F) }
        if let code = lineDrawing[scalar] { return NarrowGlyph(code, lineDrawing: true) }
        return NarrowGlyph(ascii[scalar] ?? 0x3F)
    }

    /// VT100 line-drawing codes (terminfo's `acsc`); heavy, double and rounded lines draw as
    /// the plain ones.
    private static let lineDrawing: [Unicode.Scalar: UInt8] = {
        var codes: [Unicode.Scalar: UInt8] = [:]
        let sets: [(String, Character)] = [
            ("─━═", "q"), ("│┃║", "x"), ("┌┏╔╭", "l"), ("┐┓╗╮", "k"), ("└┗╚╰", "m"), ("┘┛╝╯", "j"),
            ("├┣╠", "t"), ("┤┫╣", "u"), ("┬┳╦", "w"), ("┴┻╩", "v"), ("┼╋╬", "n"),
            ("█", "0"), ("▒░▓", "a"), ("·•", "~"), ("°", "f"), ("±", "g"),
        ]
        for (glyphs, code) in sets {
            for scalar in glyphs.unicodeScalars { codes[scalar] = code.asciiValue! }
        }
        return codes
    }()

    /// ASCII look-alikes. Sparkline bars rise `_ . - = #` with the bar's height.
    private static let ascii: [Unicode.Scalar: UInt8] = {
        var codes: [Unicode.Scalar: UInt8] = [:]
        let sets: [(String, Character)] = [
            ("↑▲△", "^"), ("↓▼▽", "v"), ("→▶▸›»", ">"), ("←◀◂‹«", "<"), ("…", "~"),
            ("✓✔", "+"), ("✗✘×", "x"), ("●◆■", "*"), ("○◇□", "o"), ("—–", "-"),
            ("▁▂", "_"), ("▃", "."), ("▄▅", "-"), ("▆", "="), ("▇", "#"),
            ("µ", "u"), ("“”", "\""), ("‘’", "'"),
        ]
        for (glyphs, code) in sets {
            for scalar in glyphs.unicodeScalars { codes[scalar] = code.asciiValue! }
        }
        return codes
    }()
}
