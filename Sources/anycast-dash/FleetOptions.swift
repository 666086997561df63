import AnycastAgent
import AnycastCoordination
import AnycastCore
import AnycastSimulatedFleet
import AnycastPoller
import AnycastTLS
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOSSL
import ServiceLifecycle

/// Where the fleet comes from: a fleet config file, or the built-in simulated demo fleet.
struct FleetOptions: ParsableArguments {
    @Option(name: .long, help: "Fleet config (TOML). Default: $ANYCAST_FLEET, then $XDG_CONFIG_HOME/anycast-dash/fleet.toml.")
    var fleet: String?

    @Flag(name: .long, help: "Run a simulated fleet in this process (real HTTP on loopback) and show it.")
    var demo = false

    @Option(name: .long, help: "Number of sites in the demo fleet.")
    var demoSites: Int = 12

    @Option(name: .long, help: "Random seed of the demo fleet.")
    var seed: UInt64 = 1

    func validate() throws {
        if demo && fleet != nil { throw ValidationError("give either --fleet or --demo, not both") }
        guard (1...5000).contains(demoSites) else { throw ValidationError("--demo-sites must be from 1 to 5000") }
    }
}

/// A fleet ready to poll: its config, the HTTP client for its agents (with the fleet's TLS
/// settings), and what must be stopped afterwards.
struct OpenedFleet {
    var config: FleetConfig
    let http: HTTPClient
    /// The TLS settings `http` was made with, from the fleet config.
    var tls: TLSConfiguration?
    var demo: (group: ServiceGroup, task: Task<Void, any Error>)?
    /// The fleet's coordination store, when the config has `[coordination]`.
    var etcd: EtcdClient?

    /// What the dashboard reads of the coordination store.
    var watcher: CoordinationWatcher? {
        guard let etcd, let c = config.coordination else { return nil }
        return CoordinationWatcher(client: etcd, prefix: c.prefix)
    }

    /// Where operators' site locks are taken.
    var locks: SiteLockStore? {
        guard let etcd, let c = config.coordination else { return nil }
        return SiteLockStore(client: etcd, prefix: c.prefix, ttl: c.lockTTL)
    }

    /// A client for the fleet's agents, with the fleet's response size cap.
    var client: AgentClient { AgentClient(http: http, maxResponseBytes: config.maxResponseBytes, tls: tls) }

    /// Shuts the HTTP client down and stops the in-process demo fleet, if any.
    func close() async {
        try? await http.shutdown()
        await etcd?.shutdown()
        guard let demo else { return }
        await demo.group.triggerGracefulShutdown()
        _ = try? await demo.task.value
    }
}

extension FleetOptions {
    /// Loads the fleet config (and its TLS files) or starts the demo fleet. Config errors exit
    /// with status 2.
    func open(logger: Logger) async throws -> OpenedFleet {
        if demo {
            let fleet = SimulatedFleet(siteCount: demoSites, seed: seed, logger: logger)
            let host = SimulatedFleetHost(fleet: fleet, basePort: nil, tokens: SimulatedFleet.defaultTokens(), logger: logger)
            let group = ServiceGroup(services: host.services, logger: logger)
            let task = Task { try await group.run() }
            let ports = await host.ports()
            return OpenedFleet(
                config: host.fleetConfig(token: "demo-operate", readToken: "demo-read", ports: ports),
                http: AgentClient.makeHTTPClient(), demo: (group, task))
        }
        let env = ProcessInfo.processInfo.environment
        guard let path = FleetConfigLocator.locate(explicit: fleet, environment: env, fileExists: { FileManager.default.fileExists(atPath: $0) }) else {
            FileHandle.standardError.write(Data("anycast-dash: no fleet config: give --fleet FILE, set $ANYCAST_FLEET, or create $XDG_CONFIG_HOME/anycast-dash/fleet.toml; or try --demo\n".utf8))
            throw ExitCode(2)
        }
        let config: FleetConfig
        do { config = try FleetConfigLoader.load(path: path, environment: env) } catch {
            FileHandle.standardError.write(Data("anycast-dash: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let tls: TLSConfiguration?
        do { tls = try AgentClientTLS.configuration(config.tls) } catch {
            FileHandle.standardError.write(Data("anycast-dash: \(path): \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        var etcd: EtcdClient?
        if let c = config.coordination {
            do { etcd = try EtcdClient.make(c) } catch {
                FileHandle.standardError.write(Data("anycast-dash: \(path): [coordination] TLS files: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        return OpenedFleet(config: config, http: AgentClient.makeHTTPClient(tls: tls), tls: tls, demo: nil, etcd: etcd)
    }
}

/// Logs to standard error at `level`, so standard output stays clean for tables and JSON.
func bootstrapLogging(level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

/// Writes `text` to standard output at once (no buffering), for pipes and tmux alike.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
