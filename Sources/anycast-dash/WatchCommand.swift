import AnycastCore
import AnycastDashboard
import AnycastPoller
import ArgumentParser
import Foundation
import Logging

/// `anycast-dash [--fleet F | --demo]`: the live view. Until the full-screen UI lands, it
/// redraws the fleet table every poll interval until interrupted.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Show the fleet live (the default command).")

    @OptionGroup var source: FleetOptions

    @Option(name: .long, help: "Stop after this many poll cycles (default: run until interrupted).")
    var cycles: Int?

    func run() async throws {
        bootstrapLogging(level: .warning)
        let logger = Logger(label: "anycast-dash")
        let opened = try await source.open(logger: logger)
        let poller = FleetPoller(config: opened.config.forPolling(), client: opened.client, logger: logger)
        let interactive = isatty(STDOUT_FILENO) == 1
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
