import AnycastAgent
import AnycastCore
import Clocks
import Foundation

/// One site's agent in a coordination test, with the stand-ins the test moves: a routing daemon
/// and a probe it makes fail. Its one service, `dns`, withdraws on health (rise 1, fall 1).
struct CoordinatedSite {
    let id: String
    let agent: SiteAgent
    let daemon: SiteAgentReconcileTests.Daemon
    let probe: SiteAgentHealthTests.SwitchProbe

    static let services = [
        ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24"], originProtocols: ["anycast4"], autoWithdraw: true),
    ]

    /// A started agent for site `id` (region `eu`) with `link`; on `time`'s clock when given.
    static func make(_ id: String, link: CoordinationLink, time: TestTime? = nil) async -> CoordinatedSite {
        let daemon = SiteAgentReconcileTests.Daemon(), probe = SiteAgentHealthTests.SwitchProbe()
        var configuration = SiteAgentConfiguration(
            identity: SiteIdentity(id: id, name: id, region: "eu"), services: services,
            backends: .init(routes: daemon, traffic: ManualTrafficSource(), probe: probe, store: InMemoryDesiredStateStore()))
        configuration.backendTimeout = .seconds(1)
        configuration.health = HealthConfig(rise: 1, fall: 1)
        configuration.metrics = AgentMetrics(services: services)
        if let time {
            configuration.clock = AnyClock(time.clock)
            configuration.now = time.read
        }
        configuration.coordination = link
        let agent = SiteAgent(configuration)
        await agent.start()
        await agent.coordinate()
        return CoordinatedSite(id: id, agent: agent, daemon: daemon, probe: probe)
    }

    var withdrawn: Bool { daemon.step("dns") == .withdraw }

    func dns() async -> ServiceStatus { await agent.status().services[0] }
}
