import AnycastDashboard
import Testing

@Suite struct GlyphTests {
    /// One to eight bytes of UTF-8: ASCII, Latin-1, box drawing, CJK, a decomposed accent, an
    /// emoji, an emoji with a variation selector (7 bytes) and a flag (8 bytes).
    @Test(arguments: ["a", "~", "é", "─", "█", "日", "e\u{301}", "🙂", "❤️", "🇫🇷"])
    func aGraphemeOfUpToEightBytesComesBackWhole(text: String) {
        #expect(Glyph(text).text == text)
        #expect(!Glyph(text).isEmpty)
    }

    @Test(arguments: ["a", "é", "─", "日", "🙂"] as [Unicode.Scalar])
    func aScalarPacksAsItsString(scalar: Unicode.Scalar) {
        #expect(Glyph(scalar) == Glyph(String(scalar)))
        #expect(Glyph(scalar).text == String(scalar))
    }

    @Test func theRightHalfOfAWideCharacterIsEmpty() {
        #expect(Glyph("") == .empty)
        #expect(Glyph.empty.isEmpty)
        #expect(Glyph.empty.text == "")
        #expect(Glyph(" ") == .space)
    }

    @Test func aGraphemeLongerThanEightBytesKeepsItsFirstScalar() {
        let family = "👨\u{200D}👩\u{200D}👧"
        #expect(family.count == 1)
        #expect(Glyph(family).text == "👨")
    }

    @Test func theTerminalGetsTheScalars() {
        var out = [UInt32](repeating: 0, count: 7)
        let cases: [(String, [UInt32])] = [("a", [0x61]), ("日", [0x65E5]), ("e\u{301}", [0x65, 0x301]), ("❤️", [0x2764, 0xFE0F]), ("", [])]
        for (text, scalars) in cases {
            let n = out.withUnsafeMutableBufferPointer { Glyph(text).scalars(into: $0) }
            #expect(Array(out.prefix(n)) == scalars, "\(text)")
        }
    }

    @Test func cellsWithTheSameGlyphAndStyleAreEqual() {
        #expect(Cell("x", role: .ok) == Cell(glyph: Glyph("x" as Unicode.Scalar), role: .ok))
        #expect(Cell("x", role: .ok) != Cell("y", role: .ok))
        #expect(Cell("x", role: .ok) != Cell("x", role: .ok, bold: true))
        #expect(Cell.blank.text == " ")
    }
}
