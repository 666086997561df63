/// Curses could not take over the terminal; nothing was drawn.
public struct TerminalUnusable: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the terminal, e.g. "the terminal type 'dumb' cannot move the cursor".
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
