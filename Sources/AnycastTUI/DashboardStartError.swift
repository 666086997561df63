import AnycastCore
import AnycastTerminal

/// Why the dashboard did not start. It is found before anything is drawn, so the terminal is
/// as it was; the command line prints it and exits 2.
public struct DashboardStartError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    /// The chosen theme is no theme, or its file has errors (with their file:line).
    static func theme(_ error: ConfigError) -> DashboardStartError {
        DashboardStartError(error.description)
    }

    /// Curses cannot drive the terminal: the commands that need no full screen still work.
    static func terminal(_ error: TerminalUnusable) -> DashboardStartError {
        DashboardStartError("the full-screen dashboard cannot run on this terminal: \(error.reason). "
            + "Use 'anycast-dash watch' (the fleet table, printed every poll) or 'anycast-dash snapshot' (printed once) instead.")
    }
}
