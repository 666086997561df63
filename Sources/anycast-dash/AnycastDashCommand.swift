import ArgumentParser

/// `anycast-dash`: the terminal dashboard for an anycast fleet.
@main
struct AnycastDashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anycast-dash",
        abstract: "Terminal dashboard for an anycast service run from many sites.",
        discussion: """
            Exit status of drain and undrain: 0 done, 2 usage or config error, 3 refused by the \
            disruption budget, 4 agent error or unreachable.
            """,
        subcommands: [OpenCommand.self, SnapshotCommand.self, WatchCommand.self, DrainSiteCommand.self, UndrainSiteCommand.self],
        defaultSubcommand: OpenCommand.self)
}
