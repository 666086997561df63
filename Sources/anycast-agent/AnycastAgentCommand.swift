import ArgumentParser

/// `anycast-agent`: the site agent.
@main
struct AnycastAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anycast-agent",
        abstract: "The anycast site agent: serves a site's BGP and traffic state over HTTP and carries out drains.",
        subcommands: [RunCommand.self, CheckConfigCommand.self, SimulateCommand.self])
}
