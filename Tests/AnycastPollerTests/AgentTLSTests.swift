import AnycastAgent
import AnycastCore
import AnycastPoller
import AnycastTLS
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Testing

/// TLS between the dashboard and the agent, over real sockets with certificates made for the
/// test: https with the fleet's CA file, mutual TLS, and each way it can be wrong shown as its
/// own clear error on the site (never a crash, never data).
@Suite(.serialized) struct AgentTLSTests {
    /// One simulated site served over https with `tls`; `body` gets its https URL.
    static func withAgent(tls: TLSConfiguration, _ body: (_ url: String, _ port: Int) async throws -> Void) async throws {
        let fleet = SimulatedFleet(siteCount: 1, seed: 3, logger: TestServers.logger)
        let host = SimulatedFleetHost(fleet: fleet, basePort: nil, tokens: SimulatedFleet.defaultTokens(), logger: TestServers.logger, tls: tls)
        let group = ServiceGroup(services: host.services, logger: TestServers.logger)
        let task = Task { try await group.run() }
        let port = try #require(await host.ports().values.first)
        await fleet.start()
        do { try await body("https://127.0.0.1:\(port)", port) } catch { await group.triggerGracefulShutdown(); throw error }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    static func site(_ url: String, token: String = "demo-operate") -> SiteConfig {
        SiteConfig(id: "ams1", name: "Amsterdam", region: "eu", url: url, token: token, tls: url.hasPrefix("https"))
    }

    /// Polls `url` once through the fleet poller with `fleetTLS`; answers the site's error or nil.
    static func pollError(_ url: String, fleetTLS: FleetTLSConfig, streaming: Bool = true) async throws -> (String?, SiteStatus?) {
        let tls = try AgentClientTLS.configuration(fleetTLS)
        let http = AgentClient.makeHTTPClient(tls: tls)
        let config = FleetConfig(name: "tls", regions: [RegionConfig(name: "eu")], sites: [site(url)])
        let poller = FleetPoller(config: config, client: AgentClient(http: http, tls: tls), streaming: streaming)
        let snap = await poller.pollOnce()
        poller.close()
        try await http.shutdown()
        return (snap.sites[0].lastError, snap.sites[0].status)
    }

    @Test func httpsWithTheFleetCAPollsAndDrains() async throws {
        let folder = try TestPKI.temporaryFolder()
        let pki = try TestPKI(name: "site", folder: folder)
        let agent = try pki.issue("agent")
        let tls = try AgentTLS.serverConfiguration(AgentTLSConfig(certificateFile: agent.certificate, keyFile: agent.key))
        try await Self.withAgent(tls: tls) { url, _ in
            for streaming in [true, false] {
                let (error, status) = try await Self.pollError(url, fleetTLS: FleetTLSConfig(caFile: pki.caFile), streaming: streaming)
                #expect(error == nil)
                #expect(status?.site.id == "ams1", "the status came over https")
            }
            let http = AgentClient.makeHTTPClient(tls: try AgentClientTLS.configuration(FleetTLSConfig(caFile: pki.caFile)))
            let client = AgentClient(http: http)
            let drained = try await client.drain(Self.site(url), DrainRequest(reason: "CHG-1 tls test", operator: "t"), timeout: .seconds(5))
            #expect(drained.services.allSatisfy { $0.desired == .drain }, "the drain went through over https")
            try await http.shutdown()
        }
    }

    @Test func anAgentWhoseCertificateIsNotTrustedIsAnError() async throws {
        let folder = try TestPKI.temporaryFolder()
        let pki = try TestPKI(name: "site", folder: folder)
        let other = try TestPKI(name: "other", folder: folder)
        let agent = try pki.issue("agent")
        let tls = try AgentTLS.serverConfiguration(AgentTLSConfig(certificateFile: agent.certificate, keyFile: agent.key))
        try await Self.withAgent(tls: tls) { url, _ in
            for fleetTLS in [FleetTLSConfig(), FleetTLSConfig(caFile: other.caFile)] {
                let (error, status) = try await Self.pollError(url, fleetTLS: fleetTLS)
                #expect(error == "TLS handshake failed: the agent's certificate is not trusted (check [fleet] tls_ca_file)")
                #expect(status == nil)
            }
        }
    }

    @Test func aCertificateForAnotherHostIsAnError() async throws {
        let folder = try TestPKI.temporaryFolder()
        let pki = try TestPKI(name: "site", folder: folder)
        let agent = try pki.issue("agent", dnsNames: ["other.example"], ip: nil)
        let tls = try AgentTLS.serverConfiguration(AgentTLSConfig(certificateFile: agent.certificate, keyFile: agent.key))
        try await Self.withAgent(tls: tls) { url, _ in
            let (error, _) = try await Self.pollError(url, fleetTLS: FleetTLSConfig(caFile: pki.caFile))
            #expect(error == "TLS handshake failed: the agent's certificate does not name the host in this site's URL")
        }
    }

    @Test func mutualTLSAcceptsOnlyClientCertificatesFromItsCA() async throws {
        let folder = try TestPKI.temporaryFolder()
        let pki = try TestPKI(name: "site", folder: folder)
        let rogue = try TestPKI(name: "rogue", folder: folder)
        let agent = try pki.issue("agent")
        let dashboard = try pki.issue("dashboard")
        let intruder = try rogue.issue("dashboard")
        let tls = try AgentTLS.serverConfiguration(AgentTLSConfig(certificateFile: agent.certificate, keyFile: agent.key, clientCAFile: pki.caFile))
        try await Self.withAgent(tls: tls) { url, _ in
            for streaming in [true, false] {
                var (error, status) = try await Self.pollError(url, fleetTLS: FleetTLSConfig(caFile: pki.caFile), streaming: streaming)
                #expect(error == "TLS handshake failed: the agent requires a client certificate (set [fleet] tls_client_certificate and tls_client_key)")
                #expect(status == nil)
                (error, status) = try await Self.pollError(url, fleetTLS: FleetTLSConfig(
                    caFile: pki.caFile, clientCertificateFile: intruder.certificate, clientKeyFile: intruder.key), streaming: streaming)
                #expect(error == "TLS handshake failed: the agent refused the dashboard's client certificate")
                #expect(status == nil)
                (error, status) = try await Self.pollError(url, fleetTLS: FleetTLSConfig(
                    caFile: pki.caFile, clientCertificateFile: dashboard.certificate, clientKeyFile: dashboard.key), streaming: streaming)
                #expect(error == nil)
                #expect(status?.site.id == "ams1")
            }
        }
    }

    @Test func plainHTTPToAnHTTPSAgentIsToldToUseHTTPS() async throws {
        let folder = try TestPKI.temporaryFolder()
        let pki = try TestPKI(name: "site", folder: folder)
        let agent = try pki.issue("agent")
        let tls = try AgentTLS.serverConfiguration(AgentTLSConfig(certificateFile: agent.certificate, keyFile: agent.key))
        try await Self.withAgent(tls: tls) { _, port in
            for streaming in [true, false] {
                let (error, status) = try await Self.pollError("http://127.0.0.1:\(port)", fleetTLS: FleetTLSConfig(), streaming: streaming)
                #expect(error == "HTTP 400 tls_required: this agent serves https only: use an https:// URL", "streaming \(streaming)")
                #expect(status == nil)
            }
        }
    }

    @Test func badTLSFilesAreClearErrorsAtStart() throws {
        let folder = try TestPKI.temporaryFolder()
        let pki = try TestPKI(name: "site", folder: folder)
        let agent = try pki.issue("agent")
        let other = try pki.issue("other")
        #expect {
            _ = try AgentTLS.serverConfiguration(AgentTLSConfig(certificateFile: agent.certificate, keyFile: other.key))
        } throws: { "\($0)".contains("the TLS key file \(other.key) cannot be used with the certificate \(agent.certificate)") }
        let missing = folder.appendingPathComponent("missing.pem").path
        #expect {
            _ = try AgentTLS.serverConfiguration(AgentTLSConfig(certificateFile: missing, keyFile: agent.key))
        } throws: { "\($0)".hasPrefix("cannot load the TLS certificate file \(missing)") }
        #expect {
            _ = try AgentClientTLS.configuration(FleetTLSConfig(caFile: agent.key))
        } throws: { "\($0)".hasPrefix("cannot load the CA file \(agent.key)") }
        #expect {
            _ = try AgentClientTLS.configuration(FleetTLSConfig(clientCertificateFile: agent.certificate, clientKeyFile: other.key))
        } throws: { "\($0)".contains("the client key file \(other.key) cannot be used with the certificate \(agent.certificate)") }
    }
}
