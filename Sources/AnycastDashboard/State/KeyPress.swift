/// A key the operator pressed, decoded from the terminal.
public enum KeyPress: Sendable, Hashable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
    /// Ctrl-C (the terminal is in raw mode, so it arrives as a key, not a signal).
    case interrupt
}
