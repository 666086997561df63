import AnycastAgent
import AnycastCore
import AnycastSimulatedFleet
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Real servers on loopback for poller tests: simulated agents and agents that misbehave.
final class TestServers: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let simulated: SimulatedFleetHost
    let simulatedPorts: [String: Int]
    let hungChannel: any Channel
    let invalidJSONPort: Int
    let serverErrorPort: Int
    let deadPort: Int

    static let logger: Logger = {
        var l = Logger(label: "test-servers")
        l.logLevel = .critical
        return l
    }()

    private init(group: ServiceGroup, task: Task<Void, any Error>, simulated: SimulatedFleetHost, simulatedPorts: [String: Int],
                 hungChannel: any Channel, invalidJSONPort: Int, serverErrorPort: Int, deadPort: Int) {
        self.group = group
        self.task = task
        self.simulated = simulated
        self.simulatedPorts = simulatedPorts
        self.hungChannel = hungChannel
        self.invalidJSONPort = invalidJSONPort
        self.serverErrorPort = serverErrorPort
        self.deadPort = deadPort
    }

    /// Starts `simulatedSites` simulated agents and one of each misbehaving agent.
    static func start(simulatedSites: Int = 3, seed: UInt64 = 5) async throws -> TestServers {
        let fleet = SimulatedFleet(siteCount: simulatedSites, seed: seed, logger: logger)
        let host = SimulatedFleetHost(fleet: fleet, basePort: nil, tokens: SimulatedFleet.defaultTokens(), logger: logger)
        let ports = PortBox()

        let invalid = Router()
        invalid.get("/v1/status/update") { _, _ in "{\"site\": {\"id\": 12" }
        let failing = Router()
        failing.get("/v1/status/update") { _, _ -> String in throw HTTPError(.internalServerError, message: "boom") }
        let apps: [any Service] = [
            Application(router: invalid, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                        onServerRunning: { await ports.set("invalid", $0.localAddress!.port!) }, logger: logger),
            Application(router: failing, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                        onServerRunning: { await ports.set("error", $0.localAddress!.port!) }, logger: logger),
        ]
        let group = ServiceGroup(services: host.services + apps, logger: logger)
        let task = Task { try await group.run() }

        // Accepts connections and never answers a byte.
        let hung = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()

        // A port nothing listens on: bind, note it, close.
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let dead = probe.localAddress!.port!
        try await probe.close()

        let simulatedPorts = await host.ports()
        await fleet.start()
        return TestServers(group: group, task: task, simulated: host, simulatedPorts: simulatedPorts, hungChannel: hung,
                           invalidJSONPort: await ports.wait("invalid"), serverErrorPort: await ports.wait("error"), deadPort: dead)
    }

    func stop() async {
        try? await hungChannel.close()
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Sites for every simulated agent, with `token`.
    func simulatedSites(token: String? = "demo-read") -> [SiteConfig] {
        simulated.fleet.simulation.profiles.map { p in
            SiteConfig(id: p.identity.id, name: p.identity.name, region: p.identity.region,
                       url: "http://127.0.0.1:\(simulatedPorts[p.identity.id]!)", token: token)
        }
    }

    /// One site per misbehaving agent: hung, invalid JSON, HTTP 500, nothing listening.
    var badSites: [SiteConfig] {
        [("hung", hungChannel.localAddress!.port!), ("invalid", invalidJSONPort), ("error500", serverErrorPort), ("dead", deadPort)].map {
            SiteConfig(id: $0.0, name: $0.0, region: "bad", url: "http://127.0.0.1:\($0.1)", token: "demo-read")
        }
    }
}

/// Ports reported by servers as they start.
actor PortBox {
    private var ports: [String: Int] = [:]
    func set(_ name: String, _ port: Int) { ports[name] = port }
    func wait(_ name: String) async -> Int {
        while ports[name] == nil { try? await Task.sleep(for: .milliseconds(10)) }
        return ports[name]!
    }
}
