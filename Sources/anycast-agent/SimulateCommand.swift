import AnycastAgent
import AnycastCore
import AnycastSimulatedFleet
import AnycastTLS
import ArgumentParser
import Foundation
import Logging
import NIOSSL
import ServiceLifecycle

/// `anycast-agent simulate`: N simulated site agents in one process, each on its own port.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulated fleet: N site agents with the real HTTP API on ports P, P+1, ...")

    @Option(name: .long, help: "Number of simulated sites.")
    var sites: Int = 12

    @Option(name: .long, help: "Port of the first site; site i listens on base-port + i.")
    var basePort: Int = 9101

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Random seed; the same seed gives the same fleet.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Token with read scope.")
    var readToken: String = "demo-read"

    @Option(name: .long, help: "Token with operate scope (drain and undrain).")
    var operateToken: String = "demo-operate"

    @Option(name: .long, help: "Write a fleet config for anycast-dash pointing at these agents (with the read token for polling, and the --fleet-token token for drains); mode 0600, as it holds the tokens.")
    var fleetOut: String?

    @Option(name: .long, help: "Which token the written fleet config uses: read or operate.")
    var fleetToken: String = "operate"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    @Option(name: .long, help: "Serve https with this PEM certificate chain (needs --tls-key).")
    var tlsCertificate: String?

    @Option(name: .long, help: "PEM private key of --tls-certificate (a file only its owner can read).")
    var tlsKey: String?

    @Option(name: .long, help: "Require client certificates signed by this PEM CA (mutual TLS).")
    var tlsClientCa: String?

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of: \(logLevels)") }
        guard (1...5000).contains(sites) else { throw ValidationError("--sites must be from 1 to 5000") }
        guard (1...65535).contains(basePort), basePort + sites - 1 <= 65535 else {
            throw ValidationError("--base-port + --sites must stay within 1-65535")
        }
        guard !readToken.isEmpty, !operateToken.isEmpty, readToken != operateToken else {
            throw ValidationError("the read and operate tokens must be non-empty and different")
        }
        guard fleetToken == "read" || fleetToken == "operate" else { throw ValidationError("--fleet-token is read or operate") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-certificate and --tls-key go together") }
        guard tlsClientCa == nil || tlsCertificate != nil else { throw ValidationError("--tls-client-ca needs --tls-certificate and --tls-key") }
    }

    /// The TLS settings from the --tls options (checked as the agent config's are), or nil.
    func tlsConfiguration() throws -> TLSConfiguration? {
        guard let tlsCertificate, let tlsKey else { return nil }
        let checks: [(String, PEMFile.Content, String)] = [(tlsCertificate, .certificates, "TLS certificate file"), (tlsKey, .privateKey, "TLS key file")]
            + (tlsClientCa.map { [($0, PEMFile.Content.certificates, "client CA file")] } ?? [])
        for (path, content, what) in checks {
            if let problem = PEMFile.problem(path, holds: content, what: what) { throw ValidationError(problem) }
        }
        do {
            return try AgentTLS.serverConfiguration(AgentTLSConfig(certificateFile: tlsCertificate, keyFile: tlsKey, clientCAFile: tlsClientCa))
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "anycast-agent.simulate")
        let executor = EventLoopTaskExecutor()
        let fleet = SimulatedFleet(siteCount: sites, seed: seed, logger: logger)
        let host = SimulatedFleetHost(
            fleet: fleet, host: self.host, basePort: basePort,
            tokens: SimulatedFleet.defaultTokens(read: readToken, operate: operateToken), logger: logger,
            eventLoopGroup: executor.group, tls: try tlsConfiguration())
        let group = ServiceGroup(services: host.services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        let outPath = fleetOut
        let token = fleetToken == "read" ? readToken : operateToken
        let announce = Task {
            let ports = await host.ports()
            for p in fleet.simulation.profiles {
                emit("\(p.identity.id)\t\(p.identity.region)\t\(host.tls ? "https" : "http")://\(self.host):\(ports[p.identity.id] ?? 0)\n")
            }
            if let outPath {
                let config = host.fleetConfig(name: "simulated", host: self.host, token: token, readToken: readToken, ports: ports)
                do {
                    try FleetConfigFile.write(config, to: outPath)
                    emit("fleet config written to \(outPath)\n")
                } catch {
                    logger.error("cannot write the fleet config", metadata: ["path": "\(outPath)", "error": "\(error)"])
                }
            }
            emit("simulating \(fleet.agents.count) sites; tokens: read=\(readToken == "demo-read" ? "demo-read" : "(custom)") operate=\(operateToken == "demo-operate" ? "demo-operate" : "(custom)")\n")
        }
        defer { announce.cancel() }
        try await withTaskExecutorPreference(executor) { try await runUntilStopped(group) }
    }
}

/// Writes `text` to standard output at once (no buffering), for pipes and scripts.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
