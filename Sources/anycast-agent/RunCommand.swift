import AnycastAgent
import AnycastCore
import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle

/// `anycast-agent run --config FILE`: the site agent beside a real BIRD.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the site agent for the site, BIRD socket and services in the config file.")

    @Option(name: .long, help: "The agent config (TOML); see docs/agent.example.toml.")
    var config: String

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    func run() async throws {
        let settings = try loadAgentConfig(config)
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "anycast-agent")
        let store: FileDesiredStateStore
        let audit: AuditLog
        do {
            store = try FileDesiredStateStore(directory: settings.stateDirectory)
            audit = try AuditLog(directory: settings.stateDirectory)
        } catch {
            FileHandle.standardError.write(Data("anycast-agent: state directory \(settings.stateDirectory): \(error)\n".utf8))
            throw ExitCode(2)
        }
        let client = BirdControlClient(socketPath: settings.bird.socket, commandTimeout: settings.bird.commandTimeout)
        let services = settings.services.map {
            ServiceDefinition(name: $0.name, prefixes: $0.prefixes, originProtocols: $0.birdProtocols)
        }
        let agent = SiteAgent(
            identity: settings.site, services: services, routes: BirdRouteController(client: client),
            traffic: UnconfiguredTrafficSource(), probe: nil, store: store,
            backendTimeout: settings.bird.commandTimeout * 3, logger: logger,
            audit: audit, reconcileInterval: settings.reconcileInterval, verifyDeadline: settings.bird.drainVerifyDeadline)
        let tokens = settings.tokens.map {
            AgentToken(name: $0.name, scope: $0.scope == .operate ? .operate : .read, value: $0.value)
        }
        let app = AgentServer.application(
            agent: agent, tokens: tokens, host: settings.listenAddress, port: settings.listenPort,
            logger: logger,
            onListening: { port in logger.notice("listening", metadata: ["address": "\(settings.listenAddress)", "port": "\(port)", "site": "\(settings.site.id)"]) })
        let group = ServiceGroup(
            services: [app, AgentRefreshService(agent: agent)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        client.close()
    }
}

/// `anycast-agent check-config FILE`: loads the config and prints it as the agent sees it.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check an agent config and print the effective config (defaults filled in, secrets never shown).")

    @Argument(help: "The agent config (TOML).")
    var file: String

    func run() throws {
        let settings = try loadAgentConfig(file)
        print(AgentConfigWriter.effective(settings), terminator: "")
    }
}

/// The config at `path`, or exit 2 with `file:line: what is wrong` on standard error.
func loadAgentConfig(_ path: String) throws -> AgentConfig {
    do {
        return try AgentConfigLoader.load(path: path)
    } catch {
        FileHandle.standardError.write(Data("anycast-agent: \(error)\n".utf8))
        throw ExitCode(2)
    }
}
