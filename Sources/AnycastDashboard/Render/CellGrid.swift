/// A screen's worth of cells: what views draw into and what the terminal layer paints.
public struct CellGrid: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    /// Makes this a blank grid of the given size, in the storage it has when the size is the
    /// same and nothing else shares it: a frame's cells (about 190 KB at 200×60) are then not
    /// allocated, faulted in and freed again every frame.
    public mutating func reset(width: Int, height: Int, fill: Cell = .blank) {
        guard width == self.width, height == self.height else {
            self = CellGrid(width: width, height: height, fill: fill)
            return
        }
        cells.withUnsafeMutableBufferPointer { $0.update(repeating: fill) }
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` at (`x`, `y`), clipped to `maxWidth` columns and the grid; wide characters
    /// take two cells. Returns the number of columns written.
    @discardableResult
    public mutating func put(
        _ text: String, x: Int, y: Int, role: StyleRole = .text, bold: Bool = false, reverse: Bool = false,
        maxWidth: Int? = nil
    ) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? (width - x), width - x)
        // Text whose every scalar is its own one-column grapheme (ASCII, Latin-1, arrows,
        // box drawing, blocks: nearly every frame) skips grapheme breaking and width lookups.
        if x >= 0, text.unicodeScalars.allSatisfy(Self.isSimple) {
            var col = x
            let row = y * width
            cells.withUnsafeMutableBufferPointer { buffer in
                for scalar in text.unicodeScalars {
                    if col - x >= limit { break }
                    // Controls become spaces.
                    let v = scalar.value
                    let glyph = v < 0x20 || v == 0x7F ? Glyph.space : Glyph(scalar)
                    buffer[row + col] = Cell(glyph: glyph, role: role, bold: bold, reverse: reverse)
                    col += 1
                }
            }
            return col - x
        }
        var col = x
        for c in text {
            var w = DisplayWidth.of(c)
            if w == 0 { continue }
            if c == "\t" || c.isNewline { w = 1 }
            if col - x + w > limit { break }
            if col >= 0 {
                let glyph = (c == "\t" || c.isNewline) ? Glyph.space : Glyph(String(c))
                self[col, y] = Cell(glyph: glyph, role: role, bold: bold, reverse: reverse)
                if w == 2 { self[col + 1, y] = Cell(glyph: .empty, role: role, bold: bold, reverse: reverse) }
            }
            col += w
        }
        return col - x
    }

    /// Writes `text` into a field of exactly `width` columns at (`x`, `y`): padded with spaces
    /// (on the left when `alignRight`), or cut with `…`. Table cells use it so that no padded
    /// string is built for every cell of every frame.
    public mutating func putField(
        _ text: String, x: Int, y: Int, width: Int, alignRight: Bool = false, role: StyleRole = .text, bold: Bool = false
    ) {
        guard width > 0, y >= 0, y < height else { return }
        let w = DisplayWidth.of(text)
        let shown = w > width ? DisplayWidth.truncate(text, to: width) : text
        let used = min(w, width)
        let pad = width - used
        let blank = Cell(glyph: .space, role: role, bold: bold)
        let start = alignRight ? x + pad : x
        if alignRight { fillRow(y, from: x, to: x + pad, with: blank) }
        let written = put(shown, x: start, y: y, role: role, bold: bold, maxWidth: used)
        if !alignRight { fillRow(y, from: start + written, to: x + width, with: blank) }
    }

    /// Sets the cells of row `y` from column `from` up to (not including) `to`, clipped to
    /// the grid; nothing when the span is empty or off the grid (a field can start past a
    /// narrow screen's edge).
    mutating func fillRow(_ y: Int, from: Int, to: Int, with cell: Cell) {
        let lo = max(0, from), hi = min(to, width)
        guard lo < hi, y >= 0, y < height else { return }
        for c in lo..<hi { self[c, y] = cell }
    }

    /// A scalar that is always a whole one-column grapheme in the text views draw.
    @inline(__always)
    static func isSimple(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x80 || (0xA0..<0x300).contains(v) || (0x2190..<0x2200).contains(v) || (0x2500..<0x2600).contains(v)
            || v == 0x2022 || v == 0x2026 || v == 0x2713 || v == 0x2717
    }

    /// Fills `rect` with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell) {
        guard max(0, rect.y) < min(height, rect.maxY) else { return }
        for y in max(0, rect.y)..<min(height, rect.maxY) { fillRow(y, from: rect.x, to: rect.maxX, with: cell) }
    }

    /// Sets the role (and emphasis) of every cell in `rect`, keeping the text.
    public mutating func restyle(_ rect: Rect, role: StyleRole, bold: Bool? = nil, reverse: Bool? = nil) {
        guard max(0, rect.y) < min(height, rect.maxY), max(0, rect.x) < min(width, rect.maxX) else { return }
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) {
                var c = self[x, y]
                c.role = role
                if let bold { c.bold = bold }
                if let reverse { c.reverse = reverse }
                self[x, y] = c
            }
        }
    }

    /// Marks `width` cells from (`x`, `y`) as a match: reversed and bold, in their own role.
    public mutating func emphasize(x: Int, y: Int, width: Int) {
        guard y >= 0, y < height else { return }
        for cx in max(0, x)..<min(self.width, x + width) {
            var c = self[cx, y]
            c.reverse = true
            c.bold = true
            self[cx, y] = c
        }
    }

    /// Draws a box border around `rect` with an optional title on the top edge.
    public mutating func box(_ rect: Rect, role: StyleRole = .border, title: String? = nil, titleRole: StyleRole = .title) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let (l, r, t, b) = (rect.x, rect.maxX - 1, rect.y, rect.maxY - 1)
        let horizontal = Cell(glyph: Glyph("─" as Unicode.Scalar), role: role)
        let vertical = Cell(glyph: Glyph("│" as Unicode.Scalar), role: role)
        for x in (l + 1)..<r {
            self[x, t] = horizontal
            self[x, b] = horizontal
        }
        for y in (t + 1)..<b {
            self[l, y] = vertical
            self[r, y] = vertical
        }
        self[l, t] = Cell(glyph: Glyph("┌" as Unicode.Scalar), role: role)
        self[r, t] = Cell(glyph: Glyph("┐" as Unicode.Scalar), role: role)
        self[l, b] = Cell(glyph: Glyph("└" as Unicode.Scalar), role: role)
        self[r, b] = Cell(glyph: Glyph("┘" as Unicode.Scalar), role: role)
        if let title, rect.width > 4 {
            put(" \(title) ", x: l + 1, y: t, role: titleRole, bold: true, maxWidth: rect.width - 2)
        }
    }

    /// The grid as plain text, one line per row, trailing spaces trimmed: for snapshot tests.
    public var text: String {
        (0..<height).map { y -> String in
            var line = ""
            for x in 0..<width { line += self[x, y].text }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// Indices of cells that differ from `old` (all of them when the size changed).
    public func changedIndices(since old: CellGrid?) -> [Int] {
        guard let old, old.width == width, old.height == height else { return Array(cells.indices) }
        var changed: [Int] = []
        for i in cells.indices where cells[i] != old.cells[i] { changed.append(i) }
        return changed
    }
}
