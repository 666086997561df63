import AnycastDashboard
import CNcursesw
import Foundation

/// The one owner of every ncurses call. It paints a `CellGrid` by writing only the cells that
/// changed since the last paint (nothing at all when nothing changed), reads keys without
/// blocking, follows terminal resizes, and always gives the terminal back on `stop()`.
public actor TerminalScreen {
    private var started = false
    private var previous: CellGrid?
    private var depth = ColorDepth.monochrome
    private var theme = Theme.builtinDefault
    private var noColor = false
    private var styleOf: [StyleRole: (pair: Int32, attrs: attr_t)] = [:]
    /// Frames are written with the terminal's own strings where it has those needed, and
    /// painted by curses otherwise (see `FrameEncoder`).
    private var direct: TerminfoFrameStrings?
    /// The locale's character set is not UTF-8: cells are drawn with `NarrowGlyph` stand-ins.
    private var narrowLocale = false

    public init() {}

    /// Takes over the terminal: locale, curses, raw keys, no cursor, colours for `theme`.
    /// Returns the size. `noColor` (the `NO_COLOR` convention) gives monochrome. Throws,
    /// having drawn nothing and left the terminal as it was, when curses cannot drive it.
    @discardableResult
    public func start(theme: Theme, noColor: Bool, mouse: Bool = false) throws(TerminalUnusable) -> (width: Int, height: Int) {
        guard !started else { return size() }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        if let problem = TerminalCapabilities.probe(name: term).problem { throw TerminalUnusable(reason: problem) }
        setlocale(LC_ALL, "")
        narrowLocale = ac_locale_is_utf8() == 0
        // newterm, not initscr: initscr prints its own message and exits when it fails.
        guard ac_newterm() != nil else { throw TerminalUnusable(reason: "curses cannot start on the terminal type '\(term)'") }
        ac_install_crash_handler()
        started = true
        raw()
        noecho()
        nonl()
        keypad(ac_stdscr(), true)
        nodelay(ac_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        leaveok(ac_stdscr(), true)
        // ncurses 6.4 flushes its output after every cursor movement until the screen has
        // once been suspended (`_nc_mvcur` while `_endwin` is still "initial"): a write system
        // call per run of changed cells, about 130 a second on a 100-site screen. One
        // suspend and resume here, before anything is drawn, makes a frame one write.
        endwin()
        refresh()
        // Clicks and the wheel; selecting text then takes Shift, as in htop and vim.
        if mouse { ac_mouse_on() }
        self.noColor = noColor
        if has_colors() && !noColor {
            start_color()
            use_default_colors()
        }
        depth = ColorDepth.forTerminal(colors: has_colors() ? Int(ac_colors()) : 0, noColorRequested: noColor)
        // `ANYCAST_DASH_PAINT=curses` leaves the painting to curses, for a terminal that shows
        // the directly written frames wrong.
        let cursesPaints = ProcessInfo.processInfo.environment["ANYCAST_DASH_PAINT"] == "curses"
        direct = cursesPaints ? nil : TerminfoFrameStrings.read(colors: depth != .monochrome)
        apply(theme: theme)
        return size()
    }

    /// The colour depth in use.
    public var colorDepth: ColorDepth { depth }

    /// Frames are written with the terminal's terminfo strings (else curses paints them).
    public var writesFramesItself: Bool { direct != nil }

    /// Switches colours; the next paint redraws every cell.
    public func apply(theme: Theme) {
        self.theme = theme
        styleOf = [:]
        var roles: [StyleRole: TerminfoFrameStrings.RoleStyle] = [:]
        for (i, role) in StyleRole.allCases.enumerated() {
            let style = theme.style(role)
            let pair = Int32(i + 1)
            var attrs = style.bold ? ac_a_bold() : ac_a_normal()
            let colourless = style.foreground == nil && style.background == nil
            if depth == .monochrome || colourless {
                attrs |= Self.monochromeAttributes(role)
                styleOf[role] = (depth == .monochrome ? 0 : pair, attrs)
                if depth != .monochrome { init_extended_pair(pair, -1, -1) }
                roles[role] = .init(attrs: attrs)
                continue
            }
            let colors = depth.colors(for: role, in: theme)
            init_extended_pair(pair, Int32(colors?.foreground ?? -1), Int32(colors?.background ?? -1))
            styleOf[role] = (pair, attrs)
            roles[role] = .init(attrs: attrs, foreground: colors?.foreground, background: colors?.background)
        }
        direct?.prepare(roles)
        previous = nil
    }

    /// Emphasis that tells roles apart without colour.
    static func monochromeAttributes(_ role: StyleRole) -> attr_t {
        switch role {
        case .selection, .unreachable, .liveBadge, .monitorBadge, .header, .input: ac_a_reverse()
        case .critical, .warn, .title, .accent, .dialogBorder: ac_a_bold()
        case .muted, .border: ac_a_dim()
        case .mark, .drained: ac_a_bold() | ac_a_underline()
        default: ac_a_normal()
        }
    }

    /// The terminal's size as curses knows it.
    public func size() -> (width: Int, height: Int) {
        var rows: Int32 = 0, cols: Int32 = 0
        ac_getmaxyx(ac_stdscr(), &rows, &cols)
        return (Int(cols), Int(rows))
    }

    /// After SIGWINCH: reads the new size from the kernel and resizes curses to it.
    public func resize() -> (width: Int, height: Int) {
        var rows: Int32 = 0, cols: Int32 = 0
        if ac_terminal_size(&rows, &cols) == 0 { resizeterm(rows, cols) }
        if direct != nil { ac_settle_stdscr() }
        previous = nil
        return size()
    }

    /// Paints `grid`, writing only changed cells; returns how many cells were written.
    @discardableResult
    public func paint(_ grid: CellGrid) -> Int {
        guard started else { return 0 }
        let full = previous == nil || previous!.width != grid.width || previous!.height != grid.height
        // Every cell when the size changed.
        let changed = grid.changedIndices(since: previous)
        guard !changed.isEmpty else { return 0 }
        if let direct {
            let frame = FrameEncoder.encode(grid, changed: changed, clearFirst: full, skipLastCell: direct.lastCellScrolls, strings: direct)
            Self.writeAll(frame.bytes)
            previous = grid
            return frame.cells
        }
        if full { clearok(ac_stdscr(), true) }
        var written = 0
        // Up to 7 scalars and the terminating zero; wchar_t is a 32-bit scalar value here.
        var buffer = [UInt32](repeating: 0, count: 8)
        // Changed cells come in runs of one role: its colour pair is looked up once a run.
        var role: StyleRole?
        var style = (pair: Int32(0), attrs: ac_a_normal())
        grid.cells.withUnsafeBufferPointer { cells in
            for i in changed {
                let cell = cells[i]
                if cell.glyph.isEmpty && !narrowLocale { continue }  // the right half of a wide character
                if cell.role != role {
                    role = cell.role
                    style = styleOf[cell.role] ?? (0, ac_a_normal())
                }
                var attrs = style.attrs
                if cell.bold { attrs |= ac_a_bold() }
                if cell.reverse { attrs |= ac_a_reverse() }
                buffer.withUnsafeMutableBufferPointer { text in
                    if narrowLocale {
                        let standIn = NarrowGlyph.standIn(for: cell.glyph)
                        if standIn.lineDrawing { attrs |= ac_a_altcharset() }
                        text[0] = UInt32(standIn.byte)
                        text[1] = 0
                    } else {
                        text[cell.glyph.scalars(into: .init(rebasing: text.dropLast()))] = 0
                    }
                    text.withMemoryRebound(to: wchar_t.self) {
                        _ = ac_put_cell(Int32(i / grid.width), Int32(i % grid.width), $0.baseAddress, attrs, style.pair)
                    }
                }
                written += 1
            }
        }
        refresh()
        previous = grid
        return written
    }

    /// Writes a frame to the terminal whole: a write may take part of it, one cut by a signal
    /// is tried again, and a full terminal is waited for (up to 5 s in all). A terminal that
    /// is gone loses the frame, as it would curses' output.
    static func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            var waits = 0
            while offset < buffer.count {
                let n = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else if n < 0 && errno == EAGAIN && waits < 50 {
                    waits += 1
                    var ready = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, 100)
                } else {
                    return
                }
            }
        }
    }

    /// Every key waiting in the input, decoded; `resized` when curses saw a resize.
    public func readInput() -> (keys: [KeyPress], resized: Bool) {
        guard started else { return ([], false) }
        var keys: [KeyPress] = []
        var resized = false
        var ch: wint_t = 0
        while true {
            let r = ac_get_wch(&ch)
            if r == ac_err() { break }
            if r == ac_key_code_yes() {
                let code = Int32(ch)
                if code == ac_key_resize() {
                    resized = true
                    // curses resized its screen; the next read would repaint its empty one.
                    if direct != nil { ac_settle_stdscr() }
                    continue
                }
                if code == ac_key_mouse() {
                    if let m = Self.readMouse() { keys.append(.mouse(m)) }
                    continue
                }
                if let k = Self.decode(keyCode: code) { keys.append(k) }
            } else if let k = Self.decode(character: UInt32(ch)) {
                keys.append(k)
            }
        }
        return (keys, resized)
    }

    /// The mouse event behind a KEY_MOUSE, when it is one the dashboard takes. A press and its
    /// release arrive as one click: the release alone is dropped.
    static func readMouse() -> MouseEvent? {
        var x: Int32 = 0, y: Int32 = 0
        let action: MouseEvent.Action
        switch ac_read_mouse(&x, &y) {
        case 1: action = .click
        case 2: action = .doubleClick
        case 4: action = .wheelUp
        case 5: action = .wheelDown
        default: return nil
        }
        return MouseEvent(x: Int(x), y: Int(y), action: action)
    }

    static func decode(keyCode: Int32) -> KeyPress? {
        switch keyCode {
        case ac_key_up(): .up
        case ac_key_down(): .down
        case ac_key_left(): .left
        case ac_key_right(): .right
        case ac_key_ppage(): .pageUp
        case ac_key_npage(): .pageDown
        case ac_key_home(): .home
        case ac_key_end(): .end
        case ac_key_enter(): .enter
        case ac_key_backspace(): .backspace
        case ac_key_btab(): .backTab
        default: nil
        }
    }

    static func decode(character value: UInt32) -> KeyPress? {
        switch value {
        case 3: return .interrupt
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// Gives the terminal back: cursor, echo, the normal screen. Safe to call twice.
    public func stop() {
        guard started else { return }
        started = false
        ac_mouse_off()
        curs_set(1)
        endwin()
    }
}
