import AnycastDashboard
import CNcursesw
import Foundation

/// The strings of the terminal curses drives that a frame is written with (terminfo's `cup`,
/// `clear`, `sgr0`, `bold`, `dim`, `rev`, `smul`, `setaf`, `setab`), with each role's style
/// made once per theme. Nil from `read` when the terminal lacks one that is needed or the
/// locale is not UTF-8: curses then paints, as it does for terminals that are rarely met.
struct TerminfoFrameStrings: FrameStrings {
    /// What a role looks like: attributes, and colours (nil: the terminal's own).
    struct RoleStyle {
        var attrs: attr_t
        var foreground: Int?
        var background: Int?
    }

    private let cup: [CChar]
    /// `cup` is the ANSI `CSI row;column H` (1-based), as nearly every terminal's is: written
    /// here without `tparm`, which was 3.6% of the dashboard's CPU at 100 sites.
    private let ansiMove: Bool
    private let setaf: [CChar]?
    private let setab: [CChar]?
    private let attributes: (bold: [UInt8], dim: [UInt8], reverse: [UInt8], underline: [UInt8])
    let reset: [UInt8]
    let clear: [UInt8]
    /// Whether writing the bottom-right cell scrolls the screen (`am` without `xenl`).
    let lastCellScrolls: Bool
    /// The attributes the terminal cannot show together with colours (`ncv`): left out of a
    /// coloured style, as curses does.
    private let notWithColour: attr_t
    private var styles: [FrameStyleKey: [UInt8]] = [:]

    /// Reads the strings of the terminal curses has started on; call after `newterm`.
    static func read(colors: Bool) -> TerminfoFrameStrings? {
        guard ac_locale_is_utf8() != 0,
              let cup = cString("cup"), let clear = bytes("clear"), let reset = bytes("sgr0") else { return nil }
        let setaf = cString("setaf"), setab = cString("setab")
        if colors && (setaf == nil || setab == nil) { return nil }
        let lastCellScrolls = ac_flag_cap("am") != 0 && ac_flag_cap("xenl") == 0
        return TerminfoFrameStrings(
            cup: cup, setaf: setaf, setab: setab,
            attributes: (bytes("bold") ?? [], bytes("dim") ?? [], bytes("rev") ?? [], bytes("smul") ?? []),
            reset: reset, clear: clear, lastCellScrolls: lastCellScrolls,
            notWithColour: colors ? attrs(attributes(ncv: ac_number_cap("ncv"))) : 0)
    }

    private init(cup: [CChar], setaf: [CChar]?, setab: [CChar]?, attributes: (bold: [UInt8], dim: [UInt8], reverse: [UInt8], underline: [UInt8]),
                 reset: [UInt8], clear: [UInt8], lastCellScrolls: Bool, notWithColour: attr_t) {
        self.cup = cup
        ansiMove = cup.withUnsafeBytes { Self.unpadded(UnsafeRawBufferPointer(rebasing: $0.dropLast())) } == Array("\u{1b}[%i%p1%d;%p2%dH".utf8)
        self.setaf = setaf
        self.setab = setab
        self.attributes = attributes
        self.reset = reset
        self.clear = clear
        self.lastCellScrolls = lastCellScrolls
        self.notWithColour = notWithColour
    }

    /// The attributes among those the dashboard uses that `ncv`'s bits name (terminfo(5):
    /// 2 underline, 4 reverse, 16 dim, 32 bold); none for -1 (no `ncv`).
    static func attributes(ncv: Int32) -> (underline: Bool, reverse: Bool, dim: Bool, bold: Bool) {
        guard ncv > 0 else { return (false, false, false, false) }
        return (ncv & 2 != 0, ncv & 4 != 0, ncv & 16 != 0, ncv & 32 != 0)
    }

    private static func attrs(_ named: (underline: Bool, reverse: Bool, dim: Bool, bold: Bool)) -> attr_t {
        (named.underline ? ac_a_underline() : 0) | (named.reverse ? ac_a_reverse() : 0)
            | (named.dim ? ac_a_dim() : 0) | (named.bold ? ac_a_bold() : 0)
    }

    private static func cString(_ name: String) -> [CChar]? {
        guard let value = ac_string_cap(name) else { return nil }
        return Array(UnsafeBufferPointer(start: value, count: strlen(value) + 1))
    }

    private static func bytes(_ name: String) -> [UInt8]? {
        guard let value = ac_string_cap(name) else { return nil }
        return unpadded(UnsafeRawBufferPointer(start: value, count: strlen(value)))
    }

    /// terminfo's delays (`$<5>`, `$<2*/>`) taken out: they are for `tputs`, which pads with
    /// them for slow serial lines; a terminal would print them.
    static func unpadded(_ text: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == UInt8(ascii: "$"), i + 1 < text.count, text[i + 1] == UInt8(ascii: "<") {
                var j = i + 2
                while j < text.count, text[j] == UInt8(ascii: ".") || text[j] == UInt8(ascii: "*") || text[j] == UInt8(ascii: "/")
                        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[j]) { j += 1 }
                if j < text.count, text[j] == UInt8(ascii: ">"), j > i + 2 {
                    i = j + 1
                    continue
                }
            }
            out.append(text[i])
            i += 1
        }
        return out
    }

    /// Makes the style of every role, plain and with the cell's own bold and reverse. `roles`
    /// are as curses is given them: with a colour pair, unless the terminal has no colours.
    mutating func prepare(_ roles: [StyleRole: RoleStyle]) {
        styles = [:]
        for (role, style) in roles {
            for bold in [false, true] {
                for reverse in [false, true] {
                    var attrs = style.attrs
                    if bold { attrs |= ac_a_bold() }
                    if reverse { attrs |= ac_a_reverse() }
                    attrs &= ~notWithColour
                    styles[FrameStyleKey(role: role, bold: bold, reverse: reverse)] =
                        sequence(attrs: attrs, foreground: style.foreground, background: style.background)
                }
            }
        }
    }

    /// `sgr0`, the attributes, then the colours that are not the terminal's own.
    func sequence(attrs: attr_t, foreground: Int?, background: Int?) -> [UInt8] {
        var out = reset
        if attrs & ac_a_bold() != 0 { out += attributes.bold }
        if attrs & ac_a_dim() != 0 { out += attributes.dim }
        if attrs & ac_a_reverse() != 0 { out += attributes.reverse }
        if attrs & ac_a_underline() != 0 { out += attributes.underline }
        if let foreground, let setaf { Self.put(setaf, foreground, into: &out) }
        if let background, let setab { Self.put(setab, background, into: &out) }
        return out
    }

    func style(_ key: FrameStyleKey, into bytes: inout [UInt8]) {
        if let known = styles[key] { bytes += known } else { bytes += reset }
    }

    func move(row: Int, column: Int, into bytes: inout [UInt8]) {
        if ansiMove {
            Self.ansiMove(row: row, column: column, into: &bytes)
            return
        }
        cup.withUnsafeBufferPointer { cap in
            guard let out = ac_tparm2(cap.baseAddress, Int32(row), Int32(column)) else { return }
            bytes += Self.unpadded(UnsafeRawBufferPointer(start: out, count: strlen(out)))
        }
    }

    /// `CSI row;column H`, 1-based.
    static func ansiMove(row: Int, column: Int, into bytes: inout [UInt8]) {
        bytes += [0x1B, UInt8(ascii: "[")]
        decimal(row + 1, into: &bytes)
        bytes.append(UInt8(ascii: ";"))
        decimal(column + 1, into: &bytes)
        bytes.append(UInt8(ascii: "H"))
    }

    /// `value` (not negative) in decimal digits.
    static func decimal(_ value: Int, into bytes: inout [UInt8]) {
        if value >= 10 { decimal(value / 10, into: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    private static func put(_ cap: [CChar], _ value: Int, into bytes: inout [UInt8]) {
        cap.withUnsafeBufferPointer { cap in
            guard let out = ac_tparm1(cap.baseAddress, Int32(value)) else { return }
            bytes += unpadded(UnsafeRawBufferPointer(start: out, count: strlen(out)))
        }
    }
}
