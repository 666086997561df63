import AnycastAgent
import AnycastCoordination
import AnycastCore
import AnycastTLS
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle

/// `anycast-agent run --config FILE`: the site agent beside a real BIRD or FRR.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the site agent for the site, routing daemon and services in the config file.")

    @Option(name: .long, help: "The agent config (TOML); see docs/agent.example.toml.")
    var config: String

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of: \(logLevels)") }
    }

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
        let router = RouterConnection.make(settings.router)
        let services = settings.serviceDefinitions
        let metrics = AgentMetrics(services: services)
        var configuration = SiteAgentConfiguration(
            identity: settings.site, services: services,
            backends: .init(routes: router.controller, traffic: Self.trafficSource(settings.traffic),
                            probe: Self.probe(settings.probe), store: store, audit: audit))
        configuration.daemons = [settings.router.kind] + Self.trafficDaemon(settings.traffic)
        configuration.router = settings.router.kind
        configuration.backendTimeout = settings.router.commandTimeout * 3
        configuration.reconcileInterval = settings.reconcileInterval
        configuration.verifyDeadline = settings.router.drainVerifyDeadline
        configuration.health = settings.probe == nil ? nil : settings.health
        configuration.probeInterval = settings.probe?.interval
        configuration.metrics = metrics
        configuration.policy = settings.policy
        configuration.logger = logger
        var etcd: EtcdClient?
        if let c = settings.coordination {
            let (link, client) = try Self.coordinationLink(c, site: settings.site.id, file: config)
            configuration.coordination = link
            etcd = client
        }
        let agent = SiteAgent(configuration)
        let tokens = settings.tokens.map {
            AgentToken(name: $0.name, scope: $0.scope == .operate ? .operate : .read, value: $0.value)
        }
        let tls = try settings.tls.map { files in
            do { return try AgentTLS.serverConfiguration(files) } catch {
                FileHandle.standardError.write(Data("anycast-agent: \(config): \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        // The event loops that serve the API also run the agent (see EventLoopTaskExecutor).
        let executor = EventLoopTaskExecutor()
        let scheme = tls == nil ? "http" : (settings.tls?.clientCAFile == nil ? "https" : "https (client certificates required)")
        let app = AgentServer.application(
            agent: agent, tokens: tokens, host: settings.listenAddress, port: settings.listenPort,
            logger: logger, eventLoopGroup: executor.group, changesPerMinute: settings.changesPerMinute, tls: tls,
            onListening: { port in logger.notice("listening", metadata: ["address": "\(settings.listenAddress)", "port": "\(port)", "scheme": "\(scheme)", "site": "\(settings.site.id)"]) })
        let group = ServiceGroup(
            services: [app, AgentRefreshService(agent: agent)] + (settings.coordination == nil ? [] : [AgentRefreshService(agent: agent, job: .coordinate)]),
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // The etcd client must be shut down however the agent stops (its deinit traps otherwise).
        do {
            try await withTaskExecutorPreference(executor) { try await runUntilStopped(group) }
        } catch {
            router.close()
            await etcd?.shutdown()
            throw error
        }
        router.close()
        await etcd?.shutdown()
    }

    /// The link to the fleet's etcd: an unreadable TLS file is a start-up error (exit 2); an
    /// unreachable cluster is not, since the agent comes up failing static.
    static func coordinationLink(_ c: CoordinationConfig, site: String, file: String) throws -> (CoordinationLink, EtcdClient) {
        let client: EtcdClient
        do { client = try EtcdClient.make(c) } catch {
            FileHandle.standardError.write(Data("anycast-agent: \(file): [coordination] TLS files: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let store = EtcdCoordinationStore(client: client, prefix: c.prefix, site: site, leaseTTL: Int(c.leaseTTL.components.seconds))
        return (CoordinationLink(store: store, rule: c.onLoss, leaseTTL: c.leaseTTL, endpoints: c.endpoints, timeout: c.timeout), client)
    }

    /// The scraper's HTTP client: a refused connection is reported at once (the next second's
    /// scrape is the retry), not retried until the deadline as the shared client does.
    static let scrapeClient: HTTPClient = {
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        config.connectionPool.retryConnectionEstablishment = false
        config.timeout.connect = .seconds(1)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }()

    static func trafficSource(_ config: TrafficConfig) -> any TrafficSource {
        switch config {
        case .none: UnconfiguredTrafficSource()
        case .unbound(let control): UnboundTrafficSource(controlSocket: control)
        case .nsd(let control): NSDTrafficSource(controlSocket: control)
        case .prometheus(let p):
            PrometheusTrafficSource(url: p.url, counter: p.counter, labels: p.labels, rcodeLabel: p.rcodeLabel,
                                    latencyHistogram: p.latencyHistogram, httpClient: scrapeClient)
        }
    }

    /// The traffic source's daemon, by name, for the status.
    static func trafficDaemon(_ config: TrafficConfig) -> [String] {
        switch config {
        case .none: []
        case .unbound: ["unbound"]
        case .nsd: ["nsd"]
        case .prometheus: ["prometheus exporter"]
        }
    }

    /// The loader has checked the type and rcode names against the probe's own lists.
    static func probe(_ config: ProbeConfig?) -> (any LatencyProbe)? {
        guard let config, let type = DNSRecordType(name: config.type), let rcode = DNSRcode(name: config.expectRcode) else { return nil }
        return DNSProbe(server: config.server, port: config.port, name: config.name, type: type, expectRcode: rcode,
                        timeout: config.timeout, transport: config.transport == "tcp" ? .tcp : .udp)
    }
}

/// `anycast-agent check-config FILE`: loads the config, checks its protocols against the
/// running daemon when it answers, and prints the config as the agent sees it.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check an agent config (and its services against the running BIRD or FRR) and print the effective config (defaults filled in, secrets never shown).")

    @Argument(help: "The agent config (TOML).")
    var file: String

    @Flag(name: .long, help: "Do not ask the routing daemon whether it has what the config names.")
    var offline = false

    func run() async throws {
        let settings = try loadAgentConfig(file)
        if !offline {
            do {
                let problems = try await RouterConnection.problems(services: settings.serviceDefinitions, router: settings.router)
                if !problems.isEmpty {
                    FileHandle.standardError.write(Data(problems.map { "anycast-agent: \(file): \($0)\n" }.joined().utf8))
                    throw ExitCode(2)
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                FileHandle.standardError.write(Data("anycast-agent: note: the services were not checked against \(settings.router.kind): \(error) (--offline skips this check)\n".utf8))
            }
        }
        print(AgentConfigWriter.effective(settings), terminator: "")
    }
}

/// The values `--log-level` takes.
let logLevels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")

/// The config at `path`, or exit 2 with `file:line: what is wrong` on standard error.
func loadAgentConfig(_ path: String) throws -> AgentConfig {
    do {
        return try AgentConfigLoader.load(path: path)
    } catch {
        FileHandle.standardError.write(Data("anycast-agent: \(error)\n".utf8))
        throw ExitCode(2)
    }
}
