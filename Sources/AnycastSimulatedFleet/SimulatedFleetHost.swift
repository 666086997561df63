import AnycastAgent
import AnycastCore
import AnycastSimulation
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// Serves a simulated fleet: one HTTP server per site (port `basePort + i`, or free ports when
/// `basePort` is nil) plus the driver that advances the simulation, all in one service group.
/// With `tls` every site serves https.
public struct SimulatedFleetHost: Sendable {
    public let fleet: SimulatedFleet
    public let services: [any Service]
    let listening: ListeningPorts
    /// Whether the sites serve https.
    public let tls: Bool

    public init(fleet: SimulatedFleet, host: String = "127.0.0.1", basePort: Int?, tokens: [AgentToken], logger: Logger,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, tls: TLSConfiguration? = nil) {
        self.fleet = fleet
        self.tls = tls != nil
        let listening = ListeningPorts(expected: fleet.agents.count)
        self.listening = listening
        var httpLogger = logger
        httpLogger.logLevel = max(logger.logLevel, .warning)
        var services: [any Service] = [SimulationDriver(fleet: fleet, onStarted: { await listening.fleetStarted() })]
        for (i, agent) in fleet.agents.enumerated() {
            let id = agent.identity.id
            services.append(AgentServer.application(
                agent: agent, tokens: tokens, host: host, port: basePort.map { $0 + i } ?? 0,
                logger: httpLogger, eventLoopGroup: eventLoopGroup, tls: tls, onListening: { port in await listening.record(id, port) }))
        }
        self.services = services
    }

    /// Waits until every site's server listens and every agent has started (so no one is
    /// told of a site whose agent has not read its routes yet); answers site id → port.
    public func ports() async -> [String: Int] { await listening.waitForAll() }

    /// A fleet config for the dashboard pointing at these servers.
    public func fleetConfig(name: String = "demo", host: String = "127.0.0.1", token: String, readToken: String? = nil, ports: [String: Int]) -> FleetConfig {
        let regions = Array(Set(fleet.simulation.profiles.map(\.identity.region))).sorted().map { RegionConfig(name: $0, minActive: 1) }
        let sites = fleet.simulation.profiles.map { p in
            SiteConfig(id: p.identity.id, name: p.identity.name, region: p.identity.region,
                       url: "\(tls ? "https" : "http")://\(host):\(ports[p.identity.id] ?? 0)", token: token,
                       tokenSource: .literal(token), readToken: readToken, readTokenSource: readToken.map { .literal($0) },
                       capacityQPS: p.capacityQPS, location: p.identity.location, tls: tls)
        }
        return FleetConfig(name: name, pollInterval: .seconds(1), minActiveSites: max(1, sites.count / 2), regions: regions, sites: sites)
    }
}

/// Collects the ports the site servers listen on, and whether the agents have started, and
/// wakes whoever waits for both.
actor ListeningPorts {
    private let expected: Int
    private var ports: [String: Int] = [:]
    private var started = false
    private var waiters: [CheckedContinuation<[String: Int], Never>] = []

    init(expected: Int) { self.expected = expected }

    private var ready: Bool { started && ports.count >= expected }

    func record(_ id: String, _ port: Int) {
        ports[id] = port
        wakeIfReady()
    }

    func fleetStarted() {
        started = true
        wakeIfReady()
    }

    private func wakeIfReady() {
        guard ready else { return }
        for w in waiters { w.resume(returning: ports) }
        waiters.removeAll()
    }

    func waitForAll() async -> [String: Int] {
        if ready { return ports }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
