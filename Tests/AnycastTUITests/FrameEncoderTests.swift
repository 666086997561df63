import AnycastDashboard
@testable import AnycastTerminal
import Testing

@Suite struct FrameEncoderTests {
    /// Strings that read back: `<row,column>` a move, `{role+b+r}` a style, `~` normal, `#` clear.
    struct Readable: FrameStrings {
        func move(row: Int, column: Int, into bytes: inout [UInt8]) { bytes += Array("<\(row),\(column)>".utf8) }
        func style(_ key: FrameStyleKey, into bytes: inout [UInt8]) {
            bytes += Array("{\(key.role.rawValue)\(key.bold ? "+b" : "")\(key.reverse ? "+r" : "")}".utf8)
        }
        var reset: [UInt8] { Array("~".utf8) }
        var clear: [UInt8] { Array("#".utf8) }
    }

    static func encode(_ grid: CellGrid, _ changed: [Int], clearFirst: Bool = false, skipLastCell: Bool = false) -> (text: String, cells: Int) {
        let frame = FrameEncoder.encode(grid, changed: changed, clearFirst: clearFirst, skipLastCell: skipLastCell, strings: Readable())
        return (String(decoding: frame.bytes, as: UTF8.self), frame.cells)
    }

    @Test func aRunOfCellsIsOneMoveAndOneStyleAndTheFrameEndsNormal() {
        var g = CellGrid(width: 10, height: 2)
        g.put("abc", x: 2, y: 0)
        g.put("z", x: 7, y: 0, role: .critical, bold: true)
        let frame = Self.encode(g, [2, 3, 4, 7])
        #expect(frame.text == "<0,2>{text}abc<0,7>{critical+b}z~")
        #expect(frame.cells == 4)
    }

    @Test func nothingChangedIsNoBytes() {
        #expect(Self.encode(CellGrid(width: 4, height: 2), []).text == "")
    }

    @Test func aClearedScreenStartsAtItsFirstCell() {
        var g = CellGrid(width: 3, height: 1)
        g.put("ab", x: 0, y: 0)
        #expect(Self.encode(g, [0, 1, 2], clearFirst: true).text == "~#{text}ab{background} ~")
    }

    @Test func theCellAfterAWideCharacterOrTheLastColumnIsMovedTo() {
        var g = CellGrid(width: 4, height: 2)
        g.put("日x", x: 0, y: 0)
        g.put("yz", x: 3, y: 0)
        g.put("w", x: 0, y: 1)
        let frame = Self.encode(g, [0, 1, 2, 3, 4])
        #expect(frame.text == "<0,0>{text}日<0,2>xy<1,0>w~", "the right half is not written; after it and after the last column, a move")
        #expect(frame.cells == 4)
    }

    @Test func theBottomRightCellIsLeftAloneWhereWritingItWouldScroll() {
        var g = CellGrid(width: 2, height: 2)
        g.put("ab", x: 0, y: 1)
        #expect(Self.encode(g, [2, 3], skipLastCell: true).text == "<1,0>{text}a~")
        #expect(Self.encode(g, [2, 3]).text == "<1,0>{text}ab~")
    }

    @Test(arguments: ["\u{1b}", "\u{7f}", "\u{9b}", "\u{85}", "a\u{7}"])
    func aGlyphWithAControlCharacterIsWrittenAsAQuestionMark(_ text: String) {
        var g = CellGrid(width: 2, height: 1)
        g[0, 0] = Cell(glyph: Glyph(text))
        #expect(Self.encode(g, [0]).text == "<0,0>{text}?~")
    }

    @Test(arguments: ["é", "─", "█", "日", "🙂", "\u{a0}"])
    func printableGlyphsAreTheirUTF8(_ text: String) {
        var g = CellGrid(width: 2, height: 1)
        g[0, 0] = Cell(glyph: Glyph(text))
        #expect(Self.encode(g, [0]).text == "<0,0>{text}\(text)~")
    }
}

@Suite struct TerminfoFrameStringsTests {
    static func unpadded(_ text: String) -> String {
        String(decoding: Array(text.utf8).withUnsafeBytes { TerminfoFrameStrings.unpadded($0) }, as: UTF8.self)
    }

    @Test func terminfoDelaysAreTakenOutAndEverythingElseKept() {
        #expect(Self.unpadded("\u{1b}[H\u{1b}[J$<50>") == "\u{1b}[H\u{1b}[J")
        #expect(Self.unpadded("$<2>\u{1b}[1m$<2.5*/>x") == "\u{1b}[1mx")
        #expect(Self.unpadded("cost $5 <a> $<> $<x> $<3") == "cost $5 <a> $<> $<x> $<3", "not a delay: kept")
    }

    @Test func theANSIMoveIsOneBased() {
        for (row, column, text) in [(0, 0, "1;1"), (9, 99, "10;100"), (59, 199, "60;200"), (999, 1_234, "1000;1235")] {
            var bytes: [UInt8] = []
            TerminfoFrameStrings.ansiMove(row: row, column: column, into: &bytes)
            #expect(bytes == Array("\u{1b}[\(text)H".utf8))
        }
    }

    @Test func ncvNamesTheAttributesLeftOutOfAColouredStyle() {
        #expect(TerminfoFrameStrings.attributes(ncv: -1) == (false, false, false, false))
        #expect(TerminfoFrameStrings.attributes(ncv: 18) == (true, false, true, false), "the Linux console's: underline and dim")
        #expect(TerminfoFrameStrings.attributes(ncv: 3) == (true, false, false, false), "ansi's: standout and underline")
        #expect(TerminfoFrameStrings.attributes(ncv: 36) == (false, true, false, true))
    }
}
