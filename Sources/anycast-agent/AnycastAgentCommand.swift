import AnycastCommandLine
import ArgumentParser

/// `anycast-agent`: the site agent.
@main
struct AnycastAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anycast-agent",
        abstract: "The anycast site agent: serves a site's BGP and traffic state over HTTP and carries out drains.",
        discussion: """
            Exit status: 0 done (run and simulate: stopped by SIGTERM or SIGINT); 2 usage error, \
            or a config, TLS or state-directory error (with file:line where there is one); 1 the \
            agent stopped on another error (its listening port taken, for one).
            """,
        subcommands: [RunCommand.self, CheckConfigCommand.self, SimulateCommand.self])

    static func main() async { await mainWithUsageStatus2() }
}
