/// Draws a dialog box centred on the screen: the `top` lines (a preview, a list) then the
/// `bottom` ones (inputs, errors, hints). When the screen is short the bottom lines, the
/// inputs and the way out, stay visible and the top lines give way from their end.
enum DialogFrame {
    typealias Line = (text: String, role: StyleRole, bold: Bool)

    static func draw(title: String, width: Int, top: [Line], bottom: [Line], into grid: inout CellGrid) {
        let inner = max(1, width - 4)
        let height = min(grid.height - 2, top.count + bottom.count + 2)
        let rect = Rect(x: (grid.width - width) / 2, y: max(1, (grid.height - height) / 2), width: width, height: height)
        grid.fill(rect, with: Cell(" ", role: .dialog))
        grid.box(rect, role: .dialogBorder, title: title, titleRole: .dialogBorder)
        let room = max(0, rect.height - 2)
        let keptBottom = Array(bottom.suffix(room))
        let shown = Array(top.prefix(room - keptBottom.count)) + keptBottom
        for (i, line) in shown.enumerated() {
            grid.put(line.text, x: rect.x + 2, y: rect.y + 1 + i, role: line.role, bold: line.bold, maxWidth: inner)
        }
    }
}
