import AnycastAgent
import AnycastCore
import Clocks
import Foundation
import Testing

/// Every change of a site's intent goes through one pipeline, whoever asks: an operator's drain
/// and the health check's withdrawal leave the same records (persisted state, event, audit
/// entry, verification) and fail the same way.
@Suite struct ChangePipelineTests {
    typealias Daemon = SiteAgentReconcileTests.Daemon
    typealias Probe = SiteAgentHealthTests.SwitchProbe

    enum Requester: CaseIterable { case operatorDrain, healthWithdraw }

    /// What one withdrawal of `dns` left behind.
    struct Records {
        var persisted: ServiceIntent?
        var event: AgentEvent?
        var audited: AgentEvent?
        var verification: AgentEvent?
        var routeWithdrawn: Bool
    }

    let services = [ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24"], originProtocols: ["anycast4"], autoWithdraw: true)]
    let origin = RequestOrigin(tokenName: "noc-operate", clientAddress: "192.0.2.7")

    func agent(_ daemon: Daemon, _ probe: Probe, store: any DesiredStateStore, audit: AuditLog, time: TestTime) async -> SiteAgent {
        var configuration = SiteAgentConfiguration(
            identity: SiteIdentity(id: "ams1", name: "Amsterdam", region: "eu"), services: services,
            backends: .init(routes: daemon, traffic: ManualTrafficSource(), probe: probe, store: store, audit: audit))
        configuration.backendTimeout = .seconds(1)
        configuration.verifyDeadline = .seconds(2)
        configuration.health = HealthConfig(rise: 1, fall: 2)
        configuration.clock = AnyClock(time.clock)
        configuration.now = time.read
        let agent = SiteAgent(configuration)
        await agent.start()
        return agent
    }

    /// Withdraws `dns` by `requester` on a fresh agent and returns what that left.
    func withdraw(by requester: Requester, store: (String) throws -> any DesiredStateStore = { try FileDesiredStateStore(directory: $0) }) async throws -> Records {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = Daemon(), probe = Probe(), time = TestTime()
        let audit = try AuditLog(directory: dir)
        let agent = await agent(daemon, probe, store: try store(dir), audit: audit, time: time)
        let before = await agent.events(since: 0).last
        switch requester {
        case .operatorDrain:
            _ = try? await agent.drain(DrainRequest(service: "dns", reason: "CHG-20", operator: "alice"), origin: origin)
        case .healthWithdraw:
            probe.failing.withLock { $0 = true }
            await agent.refresh()
            await agent.refresh()
        }
        await agent.verificationsEnded()
        let events = await agent.events(since: before).events
        let change = events.first { $0.service == "dns" && ($0.kind == .drain || $0.kind == .autoWithdraw || $0.kind == .drainFailed) }
            ?? events.first { $0.result == "not-recorded" }
        return Records(
            persisted: try? await FileDesiredStateStore(directory: dir).load()["dns"],
            event: change,
            audited: try audit.load(limit: 1000).first { $0.seq == change?.seq },
            verification: events.first { $0.kind == .drainVerified || $0.kind == .drainNotEffective },
            routeWithdrawn: !daemon.enabled("dns"))
    }

    @Test(arguments: Requester.allCases)
    func eachRequesterLeavesTheWholeRecord(_ requester: Requester) async throws {
        let r = try await withdraw(by: requester)
        let persisted = try #require(r.persisted, "the desired state is on disk")
        #expect(persisted.desired == .drain && persisted.drain?.mode == (requester == .operatorDrain ? .operator : .auto))
        let event = try #require(r.event, "an event for the service")
        #expect(event.kind == (requester == .operatorDrain ? .drain : .autoWithdraw))
        #expect(event.result == "applied" && event.service == "dns" && event.reason != nil)
        #expect(r.audited == event, "the same entry is in the audit log on disk")
        let verification = try #require(r.verification, "the change is verified")
        #expect(verification.kind == .drainVerified && verification.service == "dns" && verification.actor == event.actor)
        #expect(r.routeWithdrawn)
    }

    @Test func anAutoWithdrawAndAnOperatorDrainProduceTheSameRecords() async throws {
        let byOperator = try await withdraw(by: .operatorDrain)
        let byHealth = try await withdraw(by: .healthWithdraw)
        /// A record without who asked and when: what must not depend on the requester.
        func shape(_ e: AgentEvent?) -> [String?] { [e?.service, e?.result, e.map { "\($0.reason != nil)" }] }
        #expect(byOperator.persisted?.desired == byHealth.persisted?.desired)
        #expect(shape(byOperator.event) == shape(byHealth.event))
        #expect((byOperator.audited != nil) == (byHealth.audited != nil))
        #expect(byOperator.verification?.kind == byHealth.verification?.kind)
        #expect(byOperator.verification?.result == byHealth.verification?.result)
        #expect(byOperator.routeWithdrawn == byHealth.routeWithdrawn)
    }

    @Test(arguments: Requester.allCases)
    func aStateThatCannotBeSavedChangesNothingForEitherRequester(_ requester: Requester) async throws {
        let r = try await withdraw(by: requester, store: { _ in FailingStore() })
        let event = try #require(r.event)
        #expect(event.result == "not-recorded" && event.message.contains("disk full"), "\(event.message)")
        #expect(r.audited == event)
        #expect(!r.routeWithdrawn, "nothing is applied that is not persisted")
        #expect(r.verification == nil)
    }
}
