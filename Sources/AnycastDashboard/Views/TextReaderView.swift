/// The text reader: the whole text, wrapped to a box over the current view.
enum TextReaderView {
    static func draw(_ reader: TextReader, into grid: inout CellGrid) {
        let width = min(grid.width - 2, 90)
        let inner = max(1, width - 4)
        let lines = reader.text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { paragraph in
            paragraph.isEmpty ? [""] : TextWrap.lines(String(paragraph), columns: max(3, inner), maxLines: 1000)
        }
        let room = max(1, grid.height - 6)
        let height = min(grid.height - 2, min(lines.count, room) + 3)
        let rect = Rect(x: (grid.width - width) / 2, y: max(1, (grid.height - height) / 2), width: width, height: height)
        grid.fill(rect, with: Cell(" ", role: .dialog))
        grid.box(rect, role: .dialogBorder, title: reader.title, titleRole: .dialogBorder)
        let shown = max(0, rect.height - 3)
        let top = min(reader.scroll, max(0, lines.count - shown))
        for (i, line) in lines.dropFirst(top).prefix(shown).enumerated() {
            grid.put(line, x: rect.x + 2, y: rect.y + 1 + i, role: .dialog, maxWidth: inner)
        }
        let more = lines.count > shown ? "↑↓ scroll · " : ""
        grid.put(more + "any other key closes", x: rect.x + 2, y: rect.maxY - 2, role: .muted, maxWidth: inner)
    }
}
