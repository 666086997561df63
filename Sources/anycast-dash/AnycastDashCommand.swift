import ArgumentParser

/// `anycast-dash`: the terminal dashboard for an anycast fleet.
@main
struct AnycastDashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anycast-dash",
        abstract: "Terminal dashboard for an anycast service run from many sites.",
        subcommands: [WatchCommand.self, SnapshotCommand.self],
        defaultSubcommand: WatchCommand.self)
}
