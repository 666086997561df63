import Foundation
import AnycastCore
import AnycastDashboard
import Testing

@Suite struct CellGridTests {
    @Test(arguments: [("abc", 3), ("日本", 4), ("e\u{301}", 1), ("🙂", 2), ("❤️", 2), ("a\tb", 2), ("", 0)])
    func displayWidth(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }

    @Test func truncateAndPadCountColumns() {
        #expect(DisplayWidth.truncate("日本語テキスト", to: 5) == "日本…")
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
        #expect(DisplayWidth.pad("日本", to: 6) == "日本  ")
        #expect(DisplayWidth.pad("42", to: 5, alignRight: true) == "   42")
    }

    @Test func wideCharactersTakeTwoCells() {
        var g = CellGrid(width: 6, height: 1)
        let used = g.put("a日b", x: 0, y: 0)
        #expect(used == 4)
        #expect(g[1, 0].text == "日")
        #expect(g[2, 0].text == "", "the right half of a wide character")
        #expect(g[3, 0].text == "b")
        #expect(g.put("日日日日", x: 3, y: 0) == 2, "a wide character that does not fit is not drawn")
    }

    @Test func resetBlanksTheGridInItsOwnStorageOrMakesOneOfTheNewSize() {
        var g = CellGrid(width: 10, height: 3)
        g.put("drawn", x: 2, y: 1, role: .critical, bold: true)
        let storage = g.cells.withUnsafeBufferPointer { $0.baseAddress }
        g.reset(width: 10, height: 3)
        #expect(g.changedIndices(since: CellGrid(width: 10, height: 3)).isEmpty)
        #expect(g.cells.withUnsafeBufferPointer { $0.baseAddress } == storage, "the same size reuses the storage")
        g.put("x", x: 0, y: 0)
        let shared = g
        g.reset(width: 10, height: 3)
        #expect(shared[0, 0].text == "x", "a copy that shares the storage keeps its cells")
        #expect(g[0, 0] == .blank)
        g.reset(width: 4, height: 2, fill: Cell("-"))
        #expect(g.width == 4 && g.height == 2 && g.cells.count == 8)
        #expect(g.cells.allSatisfy { $0 == Cell("-") })
    }

    @Test func diffFindsOnlyChangedCells() {
        var a = CellGrid(width: 10, height: 3)
        a.put("hello", x: 0, y: 0)
        var b = a
        #expect(b.changedIndices(since: a).isEmpty, "nothing changed, nothing to paint")
        b.put("j", x: 0, y: 0)
        b.put("x", x: 9, y: 2, role: .critical)
        #expect(b.changedIndices(since: a) == [0, 29])
        #expect(b.changedIndices(since: nil).count == 30)
        #expect(CellGrid(width: 5, height: 3).changedIndices(since: a).count == 15, "a resize repaints everything")
    }

    @Test func sparklines() {
        #expect(Sparkline.line([0, 1, 2, 3, 4, 5, 6, 7], width: 8) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.line([5, 5], width: 4) == "  ▅▅", "missing history is blank, a flat series sits mid-height")
        #expect(Sparkline.line(Array(repeating: 1, count: 8) + [0], width: 9) == "█████████".dropLast() + "▁", "a drop to zero reaches the bottom")
        #expect(Sparkline.area([0, 8], width: 2, height: 2) == [" █", "▁█"])
    }
}

@Suite struct AlignedSparklineTests {
    @Test func columnsFollowTheClockNotTheNewestPoint() {
        let t0 = 1_800_000_000.0  // a multiple of 4
        func points(_ n: Int) -> [RatePoint] { (0..<n).map { RatePoint(t: Date(timeIntervalSince1970: t0 + Double($0)), qps: Double($0)) } }
        // 10 points at t0…t0+9 in 4-second columns: [0,1,2,3] [4,5,6,7] [8,9].
        #expect(Sparkline.columns(points(10), width: 5, secondsPerColumn: 4) == [1.5, 5.5, 8.5])
        // One second later only the newest column changes.
        let a = Sparkline.columns(points(10), width: 3, secondsPerColumn: 4)
        let b = Sparkline.columns(points(11), width: 3, secondsPerColumn: 4)
        #expect(Array(a.prefix(2)) == Array(b.prefix(2)))
        #expect(a.last != b.last)
        #expect(Sparkline.columns([], width: 3, secondsPerColumn: 4).isEmpty)
    }

    /// The panels read the history in place and draw the cells directly: the same chart.
    @Test func readInPlaceAndDrawnDirectlyItIsTheSameChart() {
        let t0 = 1_800_000_000.0
        var history = RateHistory(capacity: 120)
        for i in 0..<100 { history.append(RatePoint(t: Date(timeIntervalSince1970: t0 + Double(i)), qps: Double((i * 37) % 23))) }
        for last in [0, 1, 7, 44, 100, 500] {
            #expect(Sparkline.columns(history, last: last, width: 10, secondsPerColumn: 4)
                    == Sparkline.columns(history.recent(last), width: 10, secondsPerColumn: 4), "last \(last)")
        }
        #expect(Sparkline.columns(RateHistory(capacity: 4), last: 10, width: 3, secondsPerColumn: 4).isEmpty)
        // Irregular times (a period's edge, a millisecond either side of it, gaps), a ring
        // that has wrapped, and times before 1970: the same columns as from the points.
        var generator = SeededRandom(seed: 11)
        for (start, steps) in [(1_800_000_000.0, [0.001, 0.999, 1, 1, 2.5, 4, 7.001]), (1_800_000_003.999, [0.001, 0.999, 1, 1, 2.5, 4, 7.001]),
                               (-86_400.5, [0.001, 0.999, 1, 1, 2.5, 4, 7.001]), (-86_400, [1])] {
            var irregular = RateHistory(capacity: 150)
            var t = start
            for _ in 0..<400 {
                t += steps[Int(generator.next() % UInt64(steps.count))]
                irregular.append(RatePoint(t: Date(timeIntervalSince1970: t), qps: Double(generator.next() % 10_000) / 7))
            }
            for (last, width, period) in [(88, 21, 4), (150, 10, 1), (40, 30, 4), (150, 3, 60)] {
                #expect(Sparkline.columns(irregular, last: last, width: width, secondsPerColumn: period)
                        == Sparkline.columns(irregular.recent(last), width: width, secondsPerColumn: period), "start \(start) last \(last) width \(width)")
            }
        }
        for values in [[0.0, 1, 2, 3, 4, 5, 6, 7], [5, 5], [], Array(repeating: 1, count: 8) + [0], [3, 9, 1, 4, 4, 8, 2, 6, 5, 7, 0, 2]] {
            var grid = CellGrid(width: 12, height: 1)
            Sparkline.draw(values, width: 9, x: 2, y: 0, role: .sparkline, into: &grid)
            var drawn = CellGrid(width: 12, height: 1)
            drawn.put(Sparkline.line(values, width: 9), x: 2, y: 0, role: .sparkline)
            #expect(grid == drawn, "\(values)")
        }
    }
}

@Suite struct FieldTests {
    @Test func fieldsPadCutAndAlign() {
        var g = CellGrid(width: 12, height: 3, fill: Cell("x"))
        g.putField("ab", x: 0, y: 0, width: 5)
        g.putField("42", x: 6, y: 0, width: 5, alignRight: true)
        g.putField("toolongtext", x: 0, y: 1, width: 6)
        g.putField("日本語", x: 0, y: 2, width: 5)
        #expect(g.text == "ab   x   42x\ntoolo…xxxxxx\n日本…xxxxxxx")
    }
}
