import CNcursesw
import Foundation

/// What terminfo says a terminal type can do: enough to tell, before curses takes the screen,
/// whether it can draw the dashboard at all. On a terminal without cursor addressing
/// (`TERM=dumb`, an editor's shell buffer) curses starts without complaint, draws nothing
/// and never updates, and its exit leaves the prompt wherever the cursor was.
public struct TerminalCapabilities: Sendable, Hashable {
    /// The terminal type (`TERM`); empty when unset.
    public var name: String
    /// terminfo has an entry for it that curses accepts (known, not hardcopy, not generic).
    public var known: Bool
    /// Can move the cursor to any cell (`cup`).
    public var cursorAddressing: Bool
    /// Can clear the screen (`clear`).
    public var clearScreen: Bool

    public init(name: String, known: Bool, cursorAddressing: Bool, clearScreen: Bool) {
        self.name = name
        self.known = known
        self.cursorAddressing = cursorAddressing
        self.clearScreen = clearScreen
    }

    /// Reads terminfo for the type `name`, writing nothing to the terminal. Call it before
    /// curses starts, from one thread at a time: terminfo's state is global.
    public static func probe(name: String, fileDescriptor: Int32 = STDOUT_FILENO) -> TerminalCapabilities {
        guard !name.isEmpty else { return TerminalCapabilities(name: name, known: false, cursorAddressing: false, clearScreen: false) }
        let caps = ac_probe_terminal(name, fileDescriptor)
        return TerminalCapabilities(name: name, known: caps.found != 0, cursorAddressing: caps.cursor_addressing != 0, clearScreen: caps.can_clear != 0)
    }

    /// Why a full-screen program cannot draw on this terminal, or `nil` when it can.
    public var problem: String? {
        if name.isEmpty { return "TERM is not set" }
        if !known { return "the terminal type '\(name)' is unknown to terminfo, or one curses cannot drive" }
        var missing: [String] = []
        if !cursorAddressing { missing.append("move the cursor") }
        if !clearScreen { missing.append("clear the screen") }
        return missing.isEmpty ? nil : "the terminal type '\(name)' cannot \(missing.joined(separator: " or "))"
    }
}
