import AnycastDashboard
import AnycastTerminal
import Testing

@Suite struct NarrowGlyphTests {
    static func shown(_ text: String) -> String {
        let standIn = NarrowGlyph.standIn(for: Glyph(text))
        let char = String(UnicodeScalar(standIn.byte))
        return standIn.lineDrawing ? "[\(char)]" : char
    }

    @Test func asciiIsItself() {
        for text in ["a", "Z", "0", " ", "~", "|"] {
            #expect(Self.shown(text) == text)
        }
    }

    @Test func boxLinesBlocksAndTheBulletAreTheTerminalsLineDrawing() {
        let expected = ["─": "[q]", "│": "[x]", "┌": "[l]", "┐": "[k]", "└": "[m]", "┘": "[j]",
                        "├": "[t]", "┤": "[u]", "┬": "[w]", "┴": "[v]", "┼": "[n]", "█": "[0]",
                        "·": "[~]", "═": "[q]", "╭": "[l]"]
        for (glyph, shown) in expected {
            #expect(Self.shown(glyph) == shown, "\(glyph)")
        }
    }

    @Test func arrowsMarksAndBarsAreASCII() {
        let expected = ["↑": "^", "↓": "v", "→": ">", "←": "<", "▲": "^", "▼": "v", "▶": ">",
                        "‹": "<", "›": ">", "…": "~", "✓": "+", "✗": "x", "×": "x", "●": "*",
                        "—": "-", "▁": "_", "▂": "_", "▃": ".", "▄": "-", "▅": "-", "▆": "=", "▇": "#"]
        for (glyph, shown) in expected {
            #expect(Self.shown(glyph) == shown, "\(glyph)")
        }
    }

    /// The sparkline's bars keep their order: a taller bar is never shown lower.
    @Test func barsRiseWithTheirHeight() {
        let rank: [String: Int] = ["_": 0, ".": 1, "-": 2, "=": 3, "#": 4, "[0]": 5]
        let heights = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"].map { rank[Self.shown($0)]! }
        #expect(heights == heights.sorted())
    }

    @Test func anyOtherCharacterIsAQuestionMarkAndTheRightHalfOfAWideOneABlank() {
        for text in ["ü", "東", "🦘", "🇯🇵", "o\u{308}", "Ω"] {
            #expect(Self.shown(text) == "?", "\(text)")
        }
        #expect(Self.shown("") == " ")
    }
}
