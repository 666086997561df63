import AnycastAgent
import AnycastCore
import AnycastSimulatedFleet
@testable import AnycastPoller
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
    /// One simulated site served over https.
    struct TLSAgent {
        var url: String
        var port: Int
        var agent: SiteAgent
    }

    /// A throwaway folder for a test's certificates, removed afterwards.
    static func withFolder(_ body: (URL) async throws -> Void) async throws {
        let folder = try TestPKI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(folder)
    }

    /// An agent's server settings: a certificate from `pki` (for 127.0.0.1 unless `dnsNames`
    /// alone are given), and client certificates from `clientCA` required when given.
    static func serverTLS(_ pki: TestPKI, dnsNames: [String] = ["localhost"], ip: [UInt8]? = [127, 0, 0, 1], clientCA: TestPKI? = nil) throws -> TLSConfiguration {
        let agent = try pki.issue("agent", dnsNames: dnsNames, ip: ip)
        return try AgentTLS.serverConfiguration(AgentTLSConfig(certificateFile: agent.certificate, keyFile: agent.key, clientCAFile: clientCA?.caFile))
    }

    /// One simulated site served over https with `tls`.
    static func withAgent(tls: TLSConfiguration, _ body: (TLSAgent) async throws -> Void) async throws {
        let fleet = SimulatedFleet(siteCount: 1, seed: 3, logger: TestServers.logger)
        let host = SimulatedFleetHost(fleet: fleet, basePort: nil, tokens: SimulatedFleet.defaultTokens(), logger: TestServers.logger, tls: tls)
        let group = ServiceGroup(services: host.services, logger: TestServers.logger)
        let task = Task { try await group.run() }
        let port = try #require(await host.ports().values.first)
        await fleet.start()
        let served = TLSAgent(url: "https://127.0.0.1:\(port)", port: port, agent: fleet.agents[0])
        do { try await body(served) } catch { await group.triggerGracefulShutdown(); throw error }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    static func site(_ url: String, token: String = "demo-operate") -> SiteConfig {
        SiteConfig(id: "ams1", name: "Amsterdam", region: "eu", url: url, token: token, tls: url.hasPrefix("https"))
    }

    /// What one poll cycle of the fleet poller with `fleetTLS` made of `url`: the site's error,
    /// its status, and how many status streams it opened at `agent`.
    static func poll(
        _ url: String, fleetTLS: FleetTLSConfig, streaming: Bool = true, agent: SiteAgent
    ) async throws -> (error: String?, status: SiteStatus?, streams: Int) {
        // An earlier poller's stream may still be open at the agent (it notices a closed TLS
        // stream seconds later): count the streams this poll opened.
        let before = agent.openStatusStreams
        let tls = try AgentClientTLS.configuration(fleetTLS)
        let http = AgentClient.makeHTTPClient(tls: tls)
        let config = FleetConfig(name: "tls", regions: [RegionConfig(name: "eu")], sites: [site(url)])
        let poller = FleetPoller(config: config, client: AgentClient(http: http, tls: tls), streaming: streaming)
        let snap = await poller.pollOnce()
        let streams = agent.openStatusStreams - before
        poller.close()
        try await http.shutdown()
        return (snap.sites[0].lastError, snap.sites[0].status, streams)
    }

    /// https agents are followed over a status stream (TLS in the stream's pipeline) when
    /// streaming, polled otherwise; a drain goes through too.
    @Test func httpsWithTheFleetCAStreamsPollsAndDrains() async throws {
        try await Self.withFolder { folder in
            let pki = try TestPKI(name: "site", folder: folder)
            try await Self.withAgent(tls: try Self.serverTLS(pki)) { served in
                for streaming in [true, false] {
                    let answer = try await Self.poll(served.url, fleetTLS: FleetTLSConfig(caFile: pki.caFile), streaming: streaming, agent: served.agent)
                    #expect(answer.error == nil)
                    #expect(answer.status?.site.id == "ams1", "the status came over https")
                    // Streaming: one stream more; polling: none (an earlier one may have closed).
                    #expect(streaming ? answer.streams == 1 : answer.streams <= 0, "streaming \(streaming): \(answer.streams) streams opened")
                }
                let http = AgentClient.makeHTTPClient(tls: try AgentClientTLS.configuration(FleetTLSConfig(caFile: pki.caFile)))
                let drained = try await AgentClient(http: http).drain(Self.site(served.url), DrainRequest(reason: "CHG-1 tls test", operator: "t"), timeout: .seconds(5))
                #expect(drained.services.allSatisfy { $0.desired == .drain }, "the drain went through over https")
                try await http.shutdown()
            }
        }
    }

    /// An https stream's lines are read through its channel, TLS and all: never straight
    /// from the socket, whose bytes are encrypted.
    @Test func anHttpsStreamReadsEveryLineThroughItsChannel() async throws {
        try await Self.withFolder { folder in
            let pki = try TestPKI(name: "site", folder: folder)
            try await Self.withAgent(tls: try Self.serverTLS(pki)) { served in
                let loop = MultiThreadedEventLoopGroup.singleton.next()
                let tls = try NIOSSLContext(configuration: try AgentClientTLS.configuration(FleetTLSConfig(caFile: pki.caFile)))
                let set = StatusStreamSet(eventLoop: loop, decoder: .makeBoxSendingValue(AgentJSON.decoder(), eventLoop: loop), tls: tls)
                let job = StatusStreamSet.Job(index: 0, endpoint: try #require(AgentEndpoint(site: Self.site(served.url))), start: .points(1), wholeHistory: false)
                func take() async throws -> [StatusUpdate] {
                    let delivery = try await set.take([job], timeout: .seconds(2), silentAfter: .seconds(5), maxBytes: 1 << 22).get()[0]
                    return try delivery.results.map { try $0.result.get() }
                }
                #expect(try await take().count == 1, "the first line")
                var later: [StatusUpdate] = []
                for _ in 0..<20 where later.isEmpty {
                    await served.agent.refresh()
                    try await Task.sleep(for: .milliseconds(50))  // the line is in the kernel's buffer
                    later += try await take()
                }
                #expect(!later.isEmpty, "the lines after the first come, decrypted")
                #expect(try await set.directReads(of: 0).get() == 0)
                set.closeAll()
            }
        }
    }

    @Test func anAgentWhoseCertificateIsNotTrustedIsAnError() async throws {
        try await Self.withFolder { folder in
            let pki = try TestPKI(name: "site", folder: folder)
            let other = try TestPKI(name: "other", folder: folder)
            try await Self.withAgent(tls: try Self.serverTLS(pki)) { served in
                for fleetTLS in [FleetTLSConfig(), FleetTLSConfig(caFile: other.caFile)] {
                    let answer = try await Self.poll(served.url, fleetTLS: fleetTLS, agent: served.agent)
                    #expect(answer.error == "TLS handshake failed: the agent's certificate is not trusted (check [fleet] tls_ca_file)")
                    #expect(answer.status == nil)
                }
            }
        }
    }

    @Test func aCertificateForAnotherHostIsAnError() async throws {
        try await Self.withFolder { folder in
            let pki = try TestPKI(name: "site", folder: folder)
            try await Self.withAgent(tls: try Self.serverTLS(pki, dnsNames: ["other.example"], ip: nil)) { served in
                let answer = try await Self.poll(served.url, fleetTLS: FleetTLSConfig(caFile: pki.caFile), agent: served.agent)
                #expect(answer.error == "TLS handshake failed: the agent's certificate does not name the host in this site's URL")
            }
        }
    }

    @Test func mutualTLSAcceptsOnlyClientCertificatesFromItsCA() async throws {
        try await Self.withFolder { folder in
            let pki = try TestPKI(name: "site", folder: folder)
            let rogue = try TestPKI(name: "rogue", folder: folder)
            let dashboard = try pki.issue("dashboard")
            let intruder = try rogue.issue("dashboard")
            try await Self.withAgent(tls: try Self.serverTLS(pki, clientCA: pki)) { served in
                for streaming in [true, false] {
                    var answer = try await Self.poll(served.url, fleetTLS: FleetTLSConfig(caFile: pki.caFile), streaming: streaming, agent: served.agent)
                    #expect(answer.error == "TLS handshake failed: the agent requires a client certificate (set [fleet] tls_client_certificate and tls_client_key)")
                    #expect(answer.status == nil)
                    answer = try await Self.poll(served.url, fleetTLS: FleetTLSConfig(
                        caFile: pki.caFile, clientCertificateFile: intruder.certificate, clientKeyFile: intruder.key), streaming: streaming, agent: served.agent)
                    #expect(answer.error == "TLS handshake failed: the agent refused the dashboard's client certificate")
                    #expect(answer.status == nil)
                    answer = try await Self.poll(served.url, fleetTLS: FleetTLSConfig(
                        caFile: pki.caFile, clientCertificateFile: dashboard.certificate, clientKeyFile: dashboard.key), streaming: streaming, agent: served.agent)
                    #expect(answer.error == nil)
                    #expect(answer.status?.site.id == "ams1")
                }
            }
        }
    }

    @Test func plainHTTPToAnHTTPSAgentIsToldToUseHTTPS() async throws {
        try await Self.withFolder { folder in
            let pki = try TestPKI(name: "site", folder: folder)
            try await Self.withAgent(tls: try Self.serverTLS(pki)) { served in
                for streaming in [true, false] {
                    let answer = try await Self.poll("http://127.0.0.1:\(served.port)", fleetTLS: FleetTLSConfig(), streaming: streaming, agent: served.agent)
                    #expect(answer.error == "HTTP 400 tls_required: this agent serves https only: use an https:// URL", "streaming \(streaming)")
                    #expect(answer.status == nil)
                }
            }
        }
    }

    @Test func badTLSFilesAreClearErrorsAtStart() throws {
        let folder = try TestPKI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
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
