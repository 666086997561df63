import AnycastCore
import AnycastDashboard
import AnycastPoller
import ArgumentParser
import Foundation
import Logging

/// `anycast-dash watch [--fleet F | --demo] [--cycles N]`: the fleet table printed again every
/// poll interval until interrupted, as plain text for logs, pipes and terminals without curses.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print the fleet table again every poll interval, as plain text (no full-screen UI).")

    @OptionGroup var source: FleetOptions

    @Option(name: .long, help: "Stop after this many poll cycles (default: run until interrupted).")
    var cycles: Int?

    func validate() throws {
        if let cycles, cycles < 1 { throw ValidationError("--cycles must be at least 1") }
    }

    func run() async throws {
        bootstrapLogging(level: .warning)
        let logger = Logger(label: "anycast-dash")
        let opened = try await source.open(logger: logger)
        let poller = FleetPoller(config: opened.config.forPolling(), client: opened.client, logger: logger)
        // A terminal that cannot clear (TERM=dumb, the one `watch` is suggested for) gets the
        // tables one after another instead of escape codes.
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        let interactive = isatty(STDOUT_FILENO) == 1 && !term.isEmpty && term != "dumb"
        let pollTask = Task { [cycles] in
            await poller.run(cycles: cycles) { snapshot in
                let text = FleetTable.render(snapshot)
                emit((interactive ? "\u{1B}[H\u{1B}[2J" : "") + text + (interactive ? "\npress Ctrl-C to quit\n" : "\n"))
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await pollTask.value }
            group.addTask { await SignalWaiter.waitForInterrupt() }
            await group.next()
            pollTask.cancel()
            group.cancelAll()
        }
        await opened.close()
    }
}
