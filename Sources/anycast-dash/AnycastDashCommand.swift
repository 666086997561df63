import AnycastCommandLine
import ArgumentParser

/// `anycast-dash`: the terminal dashboard for an anycast fleet.
@main
struct AnycastDashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anycast-dash",
        abstract: "Terminal dashboard for an anycast service run from many sites.",
        discussion: """
            With no subcommand, 'open' runs: 'anycast-dash --demo' opens the full-screen dashboard \
            on a simulated fleet. 'snapshot' prints the fleet once, 'watch' prints it again every \
            poll interval (plain text, for pipes and logs), 'drain', 'undrain' and 'extend' are for \
            runbooks.

            Exit status: 0 done; 2 usage or config error, unknown site, change not confirmed, or \
            no terminal for the dashboard; 3 drain refused by the disruption budget; 4 agent error \
            or unreachable, an agent too old for --for, --ticket, --stage deprefer or extend, \
            nothing drained to extend, or a routing change not seen within --wait (or a staged \
            drain not withdrawn within its stage_timeout and --wait).
            """,
        subcommands: [OpenCommand.self, SnapshotCommand.self, WatchCommand.self, DrainSiteCommand.self, UndrainSiteCommand.self, ExtendSiteCommand.self, BudgetCommand.self],
        defaultSubcommand: OpenCommand.self)

    static func main() async { await mainWithUsageStatus2() }
}
