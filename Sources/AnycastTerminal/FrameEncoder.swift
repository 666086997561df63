import AnycastDashboard

/// The terminal's strings that a frame is written with.
protocol FrameStrings {
    /// Moves the cursor to a cell.
    func move(row: Int, column: Int, into bytes: inout [UInt8])
    /// Sets a style from scratch: normal attributes first, then the style's own.
    func style(_ key: FrameStyleKey, into bytes: inout [UInt8])
    /// Back to normal attributes and colours.
    var reset: [UInt8] { get }
    /// Clears the screen and homes the cursor.
    var clear: [UInt8] { get }
}

/// A cell's look: its role with its own emphasis.
struct FrameStyleKey: Hashable {
    var role: StyleRole
    var bold: Bool
    var reverse: Bool
}

/// Turns the cells of a frame that changed into the bytes that draw them, from the cell diff
/// the screen makes anyway: a cursor move where the cursor is not at the cell already, a
/// style where it changes, then the cell's UTF-8.
///
/// curses' own screen update compares the frame again and, on any terminal that can scroll,
/// hashes every line of the new and the old screen looking for a scroll (the dashboard never
/// scrolls): about half of a frame's paint at 200×60 (BENCHMARKS.md).
enum FrameEncoder {
    /// The bytes for `changed` (indices into `grid.cells`) and the number of cells written.
    /// `clearFirst` clears the screen before (the first frame, a new size or theme).
    /// `skipLastCell` leaves the bottom-right cell alone, for a terminal that would scroll
    /// when it is written.
    static func encode<Strings: FrameStrings>(
        _ grid: CellGrid, changed: [Int], clearFirst: Bool, skipLastCell: Bool, strings: Strings
    ) -> (bytes: [UInt8], cells: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(changed.count * 6 + 64)
        // The index of the cell the cursor is on, or -1 when unknown.
        var cursor = -1
        var style: FrameStyleKey?
        var written = 0
        if clearFirst {
            out += strings.reset
            out += strings.clear
            cursor = 0
        }
        let width = grid.width
        grid.cells.withUnsafeBufferPointer { cells in
            for i in changed {
                let cell = cells[i]
                if cell.glyph.isEmpty { continue }  // the right half of a wide character
                if skipLastCell && i == cells.count - 1 { continue }
                let column = i % width
                if i != cursor { strings.move(row: i / width, column: column, into: &out) }
                let key = FrameStyleKey(role: cell.role, bold: cell.bold, reverse: cell.reverse)
                if key != style {
                    strings.style(key, into: &out)
                    style = key
                }
                append(cell.glyph, to: &out)
                written += 1
                // Past the last column the cursor waits at the margin; after a wide character
                // the terminal may count its width otherwise: either way the next cell moves.
                let wide = column + 1 < width && cells[i + 1].glyph.isEmpty
                cursor = wide || column + 1 == width ? -1 : i + 1
            }
        }
        if style != nil { out += strings.reset }
        return (out, written)
    }

    /// A glyph's UTF-8; one that holds a control character (C0, DEL or C1), which a terminal
    /// would act on rather than show, is written as `?`. The views never draw one, but the
    /// text they draw can come from an agent.
    static func append(_ glyph: Glyph, to out: inout [UInt8]) {
        var packed = glyph.packed
        var unsafe = false
        var previous: UInt64 = 0
        var p = packed
        while p != 0 {
            let byte = p & 0xFF
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte < 0xA0) { unsafe = true }
            previous = byte
            p >>= 8
        }
        if unsafe { packed = UInt64(UInt8(ascii: "?")) }
        while packed != 0 {
            out.append(UInt8(truncatingIfNeeded: packed))
            packed >>= 8
        }
    }
}
