import AnycastCore

/// Small charts from block characters.
public enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// `values` squeezed or padded into `width` columns (each column the mean of its bucket).
    /// The scale runs from a floor below the smallest value (zero when the series falls to or
    /// near zero, as after a drain) to the largest, so a steady series still shows its shape.
    /// Missing data at the left is blank.
    public static func line(_ values: [Double], width: Int) -> String {
        var out = ""
        forEachLevel(values, width: width) { out.append($0.map { blocks[$0] } ?? " ") }
        return out
    }

    /// Draws `line(values, width:)` at (`x`, `y`) without building the string.
    public static func draw(_ values: [Double], width: Int, x: Int, y: Int, role: StyleRole, into grid: inout CellGrid) {
        var col = x
        forEachLevel(values, width: width) { level in
            grid[col, y] = Cell(glyph: level.map { blockGlyphs[$0] } ?? .space, role: role)
            col += 1
        }
    }

    static let blockGlyphs = blocks.map { Glyph(String($0)) }

    /// Each column's block (an index into `blocks`; nil for a blank column), left to right.
    static func forEachLevel(_ values: [Double], width: Int, _ body: (Int?) -> Void) {
        guard width > 0 else { return }
        let columns = buckets(values, width: width)
        var top = -Double.infinity, low = Double.infinity
        for case let v? in columns {
            top = max(top, v)
            low = min(low, v)
        }
        if top == -.infinity { top = 0; low = 0 }
        let floor = max(0, low - (top - low))
        let span = top - floor
        for v in columns {
            guard let v else { body(nil); continue }
            guard span > 0 else { body(top > 0 ? blocks.count / 2 : 0); continue }
            let level = Int(((v - floor) / span * Double(blocks.count - 1)).rounded())
            body(max(0, min(blocks.count - 1, level)))
        }
    }

    /// A chart `height` rows tall (top row first), each column the mean of its bucket, with
    /// eighth-block resolution, from `minValue` (the bottom) to `maxValue` (the top).
    public static func area(_ values: [Double], width: Int, height: Int, maxValue: Double? = nil, minValue: Double = 0) -> [String] {
        guard width > 0, height > 0 else { return [] }
        let columns = buckets(values, width: width)
        let top = maxValue ?? columns.compactMap { $0 }.max() ?? 0
        let span = top - minValue
        var rows = Array(repeating: "", count: height)
        for v in columns {
            let eighths = (v == nil || span <= 0) ? 0 : Int((max(0, min(v!, top) - minValue) / span * Double(height * 8)).rounded())
            for r in 0..<height {
                let fromBottom = height - 1 - r
                let filled = eighths - fromBottom * 8
                let ch: Character
                if v == nil { ch = " " } else if filled >= 8 { ch = "█" } else if filled <= 0 { ch = fromBottom == 0 && v != nil ? "▁" : " " } else { ch = blocks[filled - 1] }
                rows[r].append(ch)
            }
        }
        return rows
    }

    /// The means of `points` over the last `width` periods of `secondsPerColumn` seconds,
    /// with period boundaries fixed to the clock (not to the newest point). So the chart moves
    /// one column every period, and in between only its newest column changes: a screen of
    /// sparklines rewrites a few cells a second instead of all of them.
    public static func columns(_ points: [RatePoint], width: Int, secondsPerColumn: Int) -> [Double] {
        guard width > 0, secondsPerColumn > 0, let newest = points.last else { return [] }
        let period = Double(secondsPerColumn)
        let newestBucket = Int((newest.t.timeIntervalSince1970 / period).rounded(.down))
        var sums = [Double](repeating: 0, count: width)
        var counts = [Int](repeating: 0, count: width)
        for p in points.reversed() {
            let offset = newestBucket - Int((p.t.timeIntervalSince1970 / period).rounded(.down))
            if offset >= width { break }
            guard offset >= 0 else { continue }
            sums[width - 1 - offset] += p.qps
            counts[width - 1 - offset] += 1
        }
        // Leading empty periods (no history yet) are dropped so the chart is right-aligned.
        let first = counts.firstIndex { $0 > 0 } ?? width
        return (first..<width).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : 0 }
    }

    /// `columns` of the newest `last` points of `history`, read in place. Periods are counted
    /// in the history's whole milliseconds, which fall in the same periods as the points'
    /// times in seconds do.
    public static func columns(_ history: RateHistory, last: Int, width: Int, secondsPerColumn: Int) -> [Double] {
        guard width > 0, secondsPerColumn > 0, last > 0, history.count > 0 else { return [] }
        let period = Int64(secondsPerColumn) * 1000
        func bucket(_ ms: Int64) -> Int64 { ms >= 0 ? ms / period : (ms + 1) / period - 1 }
        var newestBucket: Int64?
        var sums = [Double](repeating: 0, count: width)
        var counts = [Int](repeating: 0, count: width)
        history.forEachNewest(last) { ms, qps in
            let b = bucket(ms)
            let newest = newestBucket ?? b
            newestBucket = newest
            let offset = newest - b
            if offset >= Int64(width) { return false }
            if offset >= 0 {
                sums[width - 1 - Int(offset)] += qps
                counts[width - 1 - Int(offset)] += 1
            }
            return true
        }
        let first = counts.firstIndex { $0 > 0 } ?? width
        return (first..<width).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : 0 }
    }

    /// Means of `values` over `width` equal buckets, right-aligned (newest at the right).
    static func buckets(_ values: [Double], width: Int) -> [Double?] {
        if values.count <= width {
            return Array(repeating: nil, count: width - values.count) + values.map { Optional($0) }
        }
        var out: [Double?] = []
        out.reserveCapacity(width)
        for i in 0..<width {
            let lo = i * values.count / width, hi = max(lo + 1, (i + 1) * values.count / width)
            var sum = 0.0
            for j in lo..<hi { sum += values[j] }
            out.append(sum / Double(hi - lo))
        }
        return out
    }
}
