/// A key the operator pressed (or the mouse), decoded from the terminal.
public enum KeyPress: Sendable, Hashable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
    /// Ctrl-C (the terminal is in raw mode, so it arrives as a key, not a signal).
    case interrupt
    /// A click or the wheel.
    case mouse(MouseEvent)
}

/// A mouse event at a cell of the screen (0-based column and row).
public struct MouseEvent: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        case click, doubleClick, wheelUp, wheelDown
    }

    public var x: Int
    public var y: Int
    public var action: Action

    public init(x: Int, y: Int, action: Action) {
        self.x = x
        self.y = y
        self.action = action
    }
}
