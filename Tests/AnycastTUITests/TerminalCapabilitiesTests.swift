import AnycastTerminal
@testable import AnycastTUI
import Testing

/// A terminal curses cannot drive is found from terminfo before curses takes the screen, and
/// the message points to the commands that need no full screen.
@Suite(.serialized) struct TerminalCapabilitiesTests {
    @Test func dumbCannotMoveTheCursor() {
        let dumb = TerminalCapabilities.probe(name: "dumb")
        #expect(dumb.known)
        #expect(!dumb.cursorAddressing)
        #expect(dumb.problem == "the terminal type 'dumb' cannot move the cursor or clear the screen")
    }

    @Test func xtermCanBeDriven() {
        let xterm = TerminalCapabilities.probe(name: "xterm")
        #expect(xterm == TerminalCapabilities(name: "xterm", known: true, cursorAddressing: true, clearScreen: true))
        #expect(xterm.problem == nil)
    }

    @Test func anUnknownOrMissingTerminalTypeIsAProblem() {
        #expect(TerminalCapabilities.probe(name: "no-such-terminal-type").problem?.contains("'no-such-terminal-type' is unknown to terminfo") == true)
        #expect(TerminalCapabilities.probe(name: "").problem == "TERM is not set")
    }

    @Test func theMessageSuggestsWatchAndSnapshot() throws {
        let problem = try #require(TerminalCapabilities.probe(name: "dumb").problem)
        let message = DashboardStartError.terminal(TerminalUnusable(reason: problem)).description
        #expect(message.contains("'anycast-dash watch'"))
        #expect(message.contains("'anycast-dash snapshot'"))
        #expect(message.contains("'dumb' cannot move the cursor"))
    }
}
