import AnycastAgent
import AnycastCore
import Clocks
import Foundation
import Synchronization
import Testing

/// Reconciliation, drain verification and the audit trail of `SiteAgent`, against a routing
/// daemon stand-in whose configured state and export tables the test moves by hand.
@Suite struct SiteAgentReconcileTests {
    /// A daemon with origin protocols that can be switched behind the agent's back, and export
    /// tables that can be made to ignore a drain.
    final class Daemon: RouteController {
        struct State {
            var steps: [String: RouteStep] = [:]
            /// Export tables ignore the origin state (a drain that does not take effect).
            var stuck = false
            /// What is exported never carries the de-prefer attributes (a de-prefer origin
            /// configured without them).
            var attributesLost = false
            /// The daemon takes the agent's changes without doing them.
            var ignoresChanges = false
            var applied = 0
        }
        let state = Mutex(State())

        func observe(services: [ServiceDefinition]) async throws -> RouteObservation {
            state.withLock { s in
                var result: [String: ServiceObservation] = [:]
                var origins: [String: RouteStep?] = [:]
                for d in services {
                    let step = s.steps[d.name] ?? .announce
                    let sent = s.stuck || step != .withdraw
                    let peers = [PeerAnnouncement(peer: "up1", observed: sent ? .announced : .withdrawn,
                                                  depreferred: d.deprefer != nil && sent ? step == .deprefer && !s.attributesLost : nil)]
                    result[d.name] = ServiceObservation(observed: ServiceObservation.combine(peers), peers: peers)
                    origins[d.name] = .some(step)
                }
                return RouteObservation(
                    peers: [PeerStatus(name: "up1", address: "198.51.100.1", asn: 64496, state: .established, exported: 1)],
                    services: result, origins: origins)
            }
        }

        func apply(_ step: RouteStep, to service: ServiceDefinition, record: DrainRecord?) async throws {
            state.withLock { s in
                s.applied += 1
                if !s.ignoresChanges { s.steps[service.name] = step }
            }
        }

        func setEnabled(_ name: String, _ on: Bool) { state.withLock { $0.steps[name] = on ? .announce : .withdraw } }
        func enabled(_ name: String) -> Bool { state.withLock { ($0.steps[name] ?? .announce) != .withdraw } }
        func setStep(_ name: String, _ step: RouteStep) { state.withLock { $0.steps[name] = step } }
        func step(_ name: String) -> RouteStep { state.withLock { $0.steps[name] ?? .announce } }
    }

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-\(UUID().uuidString)").path
    let services = [ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24"], originProtocols: ["anycast4"])]
    let origin = RequestOrigin(tokenName: "noc-operate", clientAddress: "192.0.2.7")

    func agent(_ daemon: Daemon, clock: TestTime, verify: Duration? = .milliseconds(600),
               services: [ServiceDefinition]? = nil) async throws -> SiteAgent {
        var configuration = SiteAgentConfiguration(
            identity: SiteIdentity(id: "ams1", name: "Amsterdam", region: "eu"), services: services ?? self.services,
            backends: .init(routes: daemon, traffic: ManualTrafficSource(), store: try FileDesiredStateStore(directory: dir),
                            audit: try AuditLog(directory: dir)))
        configuration.backendTimeout = .seconds(1)
        configuration.reconcileInterval = .seconds(10)
        configuration.verifyDeadline = verify
        configuration.clock = AnyClock(clock.clock)
        configuration.now = clock.read
        let agent = SiteAgent(configuration)
        await agent.start()
        return agent
    }

    func events(_ agent: SiteAgent) async -> [AgentEvent] { await agent.events(since: 0).events }

    /// Moves the test clock on, a verifier's step at a time (at most `steps`), until an event of
    /// `kind` is there.
    func advance(until kind: EventKind, _ agent: SiteAgent, clock: TestTime, steps: Int = 20) async -> AgentEvent? {
        for _ in 0..<steps {
            if let e = await events(agent).last(where: { $0.kind == kind }) { return e }
            await clock.clock.advance(by: SiteAgent.verifyPollInterval)
        }
        return await events(agent).last { $0.kind == kind }
    }

    @Test func manualEnableOnADrainedSiteIsUndoneAtTheNextRefresh() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = Daemon(), clock = TestTime()
        let agent = try await agent(daemon, clock: clock, verify: nil)
        _ = try await agent.drain(DrainRequest(service: "dns", reason: "CHG-7", operator: "alice"), origin: origin)
        #expect(!daemon.enabled("dns"))

        daemon.setEnabled("dns", true)  // someone ran `birdc enable anycast4`, or BIRD restarted
        await clock.advance(1)
        await agent.refresh()
        #expect(!daemon.enabled("dns"), "a drained site announced again is put back at once, not at the reconcile interval")
        let drift = try #require(await events(agent).last { $0.kind == .driftCorrected })
        #expect(drift.service == "dns" && drift.message.contains("should be drained (withdrawn)") && drift.result == "applied")
        let audit = try AuditLog(directory: dir).load(limit: 100)
        #expect(audit.contains { $0.kind == .driftCorrected }, "drift corrections are audited")
    }

    @Test func aDepreferredDrainAnnouncedPlainIsPutBackAtOnce() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = Daemon(), clock = TestTime()
        var staged = services[0]
        staged.deprefer = DepreferStep(originProtocols: ["anycast4_depref"], prepend: 3, gracefulShutdown: true)
        let agent = try await agent(daemon, clock: clock, verify: nil, services: [staged])
        _ = try await agent.drain(DrainRequest(service: "dns", reason: "CHG-7", operator: "alice", stage: .deprefer), origin: origin)
        #expect(daemon.step("dns") == .deprefer)
        daemon.setStep("dns", .announce)
        await clock.advance(1)
        await agent.refresh()
        #expect(daemon.step("dns") == .deprefer, "announced plain is more than the de-prefer step allows")
    }

    @Test func anActiveSiteWithdrawnByHandWaitsForTheReconcileInterval() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = Daemon(), clock = TestTime()
        let agent = try await agent(daemon, clock: clock, verify: nil)
        await clock.advance(10)
        await agent.refresh()  // the start's reconcile is behind the interval
        daemon.setEnabled("dns", false)  // someone ran `birdc disable anycast4`
        await clock.advance(5)
        await agent.refresh()
        #expect(!daemon.enabled("dns"), "less announced than wanted is no danger to the service: the interval decides")
        await clock.advance(5)
        await agent.refresh()
        #expect(daemon.enabled("dns"), "re-announced within one reconcile interval")
    }

    @Test func aDaemonThatIgnoresTheDrainIsRetriedAtTheIntervalNotAtEveryRefresh() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = Daemon(), clock = TestTime()
        let agent = try await agent(daemon, clock: clock, verify: nil)
        _ = try await agent.drain(DrainRequest(service: "dns", reason: "CHG-7", operator: "alice"), origin: origin)
        daemon.state.withLock { $0.ignoresChanges = true }
        daemon.setEnabled("dns", true)
        for _ in 0..<9 {
            await clock.advance(1)
            await agent.refresh()
        }
        let drifts = await events(agent).filter { $0.kind == .driftCorrected }.count
        #expect(drifts == 1, "once when the overrun began, then at the 10 s interval: \(drifts) in 9 s")
        await clock.advance(2)
        await agent.refresh()
        #expect(await events(agent).filter { $0.kind == .driftCorrected }.count == 2)
    }

    @Test func aDrainThatDoesNotReachThePeersIsReportedNotEffective() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = Daemon(), clock = TestTime()
        daemon.state.withLock { $0.stuck = true }
        let agent = try await agent(daemon, clock: clock)
        _ = try await agent.drain(DrainRequest(service: "dns", reason: "CHG-8", operator: "bob"), origin: origin)
        let status = await agent.status()
        #expect(status.services[0].desired == .drain && status.services[0].observed == .announced,
                "until the export tables agree, the service is draining (desired drain, still announced)")
        let event = try #require(await advance(until: .drainNotEffective, agent, clock: clock))
        #expect(event.message.contains("up1"), "names where it is still exported: \(event.message)")
        #expect(!(await events(agent)).contains { $0.kind == .drainVerified })
    }

    @Test func anEffectiveDrainIsVerifiedAndAudited() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = Daemon(), clock = TestTime()
        let agent = try await agent(daemon, clock: clock)
        _ = try await agent.drain(DrainRequest(service: "dns", reason: "CHG-9", operator: "carol"), origin: origin)
        await agent.verificationsEnded()  // the export tables agree at once: no wait on the clock
        let verified = try #require(await events(agent).last { $0.kind == .drainVerified })
        #expect(verified.service == "dns" && verified.result == "verified")
        let drain = try #require(try AuditLog(directory: dir).load(limit: 100).first { $0.kind == .drain })
        #expect(drain.actor == "carol" && drain.token == "noc-operate" && drain.client == "192.0.2.7")
        #expect(drain.reason == "CHG-9" && drain.result == "applied")
    }

    @Test func aRestartedAgentKeepsTheDrainTheEventsAndTheNumbering() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = Daemon(), clock = TestTime()
        let first = try await agent(daemon, clock: clock, verify: nil)
        _ = try await first.drain(DrainRequest(service: "dns", reason: "CHG-10", operator: "dave"), origin: origin)
        let lastBefore = await first.events(since: 0).last

        daemon.setEnabled("dns", true)  // BIRD restarted with its config: the origin is back
        let second = try await agent(daemon, clock: clock, verify: nil)
        #expect(!daemon.enabled("dns"), "the restarted agent re-applies the drain at once")
        #expect(await second.status().services[0].desired == .drain)
        let page = await second.events(since: 0)
        #expect(page.events.contains { $0.kind == .drain && $0.reason == "CHG-10" }, "the audit trail survives the restart")
        #expect(page.last > lastBefore, "numbering continues")
    }

    @Test func aTornAuditEntryIsReportedAtStartAndEverythingBeforeItIsKept() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = Daemon(), clock = TestTime()
        let first = try await agent(daemon, clock: clock, verify: nil)
        _ = try await first.drain(DrainRequest(service: "dns", reason: "CHG-11", operator: "erin"), origin: origin)
        // A crash in the middle of writing the next entry leaves half a line.
        let handle = try #require(FileHandle(forWritingAtPath: dir + "/" + AuditLog.fileName))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"seq":99,"time":"2027-01-0"#.utf8))
        try handle.close()

        let second = try await agent(daemon, clock: clock, verify: nil)
        let started = try #require(await events(second).last { $0.kind == .agentStarted })
        #expect(started.message.contains("the audit log's last entry was cut short by a crash while it was written (left in the file, not read)"),
                "reported, not silently dropped: \(started.message)")
        #expect(await events(second).contains { $0.kind == .drain && $0.reason == "CHG-11" }, "the entries before it are all there")
        let text = try String(contentsOfFile: dir + "/" + AuditLog.fileName, encoding: .utf8)
        #expect(text.contains(#"{"seq":99,"time":"2027-01-0"# + "\n"), "the torn bytes stay in the file; the next entry starts on its own line")
        #expect(try AuditLog(directory: dir).loadReport(limit: 100).events.last?.kind == .agentStarted, "and entries after it read back")
    }

    @Test func aDrainRecordedButNotAuditedBeforeACrashIsAuditedAtStart() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = Daemon(), clock = TestTime()
        let first = try await agent(daemon, clock: clock, verify: nil)
        _ = try await first.drain(DrainRequest(service: "dns", reason: "CHG-13", operator: "gina"), origin: origin)
        _ = try await first.undrain(UndrainRequest(service: "dns", operator: "gina"), origin: origin)
        // Killed after the next drain's desired state was written, before its audit entry.
        let record = DrainRecord(operator: "hank", reason: "CHG-14", since: clock.read(), mode: .operator)
        try await FileDesiredStateStore(directory: dir).save(["dns": ServiceIntent(desired: .drain, drain: record)])

        let second = try await agent(daemon, clock: clock, verify: nil)
        let recovered = try #require(await events(second).last { $0.kind == .drain })
        #expect(recovered.result == "recovered" && recovered.actor == "hank" && recovered.reason == "CHG-14", "\(recovered)")
        #expect(recovered.message.contains("without its audit entry"))
        #expect(!daemon.enabled("dns"), "and the drain itself is applied")
        let trail = try AuditLog(directory: dir).load(limit: 100)
        #expect(SiteAgent.lastRecordedDesired(of: "dns", in: trail) == .drain, "the trail now matches the desired state")

        // A third start finds them in agreement and records nothing more.
        let third = try await agent(daemon, clock: clock, verify: nil)
        #expect(await events(third).filter { $0.result == "recovered" }.count == 1)
    }

    @Test func anUnreadableDesiredStateLeavesTheRoutesAsTheyAre() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = Daemon(), clock = TestTime()
        let first = try await agent(daemon, clock: clock, verify: nil)
        _ = try await first.drain(DrainRequest(service: "dns", reason: "CHG-12", operator: "frank"), origin: origin)
        #expect(!daemon.enabled("dns"))
        try Data("{\"dns\": {\"desired\": ".utf8).write(to: URL(fileURLWithPath: dir + "/" + FileDesiredStateStore.fileName))

        let second = try await agent(daemon, clock: clock, verify: nil)
        await clock.advance(30)
        await second.refresh()
        #expect(!daemon.enabled("dns"), "not knowing the desired state, the agent does not guess 'announce'")
        #expect(await second.status().errors.contains { $0.source == "state" }, "the problem is shown in the status")
        let started = try #require(await events(second).last { $0.kind == .agentStarted })
        #expect(started.message.contains("the desired state cannot be read, so routes are left as they are"), "\(started.message)")

        // An operator's undrain writes the desired state again and the agent acts on it.
        _ = try await second.undrain(UndrainRequest(service: "dns", reason: "CHG-12 done", operator: "frank"), origin: origin)
        #expect(daemon.enabled("dns"))
        #expect(await !second.status().errors.contains { $0.source == "state" })
    }
}

/// Health-driven withdrawal with a probe the test makes fail or succeed.
@Suite struct SiteAgentHealthTests {
    final class SwitchProbe: LatencyProbe {
        let failing = Mutex(false)
        func measure() async throws -> LatencyStatus {
            if failing.withLock({ $0 }) { throw BackendError(source: "probe", message: "no answer within 500 ms") }
            return LatencyStatus(p50Ms: 0.4, p95Ms: 0.6, p99Ms: 0.9, source: "probe", successRatio: 1)
        }
    }

    let services = [
        ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24"], originProtocols: ["anycast4"], autoWithdraw: true),
        ServiceDefinition(name: "ntp", prefixes: ["192.0.2.0/24"], originProtocols: ["ntp4"]),
    ]
    let origin = RequestOrigin(tokenName: "noc-operate")

    func agent(_ daemon: SiteAgentReconcileTests.Daemon, _ probe: SwitchProbe) async -> SiteAgent {
        var configuration = SiteAgentConfiguration(
            identity: SiteIdentity(id: "ams1", name: "Amsterdam", region: "eu"), services: services,
            backends: .init(routes: daemon, traffic: ManualTrafficSource(), probe: probe, store: InMemoryDesiredStateStore()))
        configuration.backendTimeout = .seconds(1)
        configuration.health = HealthConfig(rise: 2, fall: 3)
        let agent = SiteAgent(configuration)
        await agent.start()
        return agent
    }

    @Test func healthDownWithdrawsOnlyAutoWithdrawServicesAndUpBringsThemBack() async throws {
        let daemon = SiteAgentReconcileTests.Daemon(), probe = SwitchProbe()
        let agent = await agent(daemon, probe)
        await agent.refresh()  // start did the first check: 2 good checks make it up
        #expect(await agent.status().health.first?.state == .up)

        probe.failing.withLock { $0 = true }
        await agent.refresh()
        await agent.refresh()
        #expect(daemon.enabled("dns"), "two failures are not yet a fall of 3")
        await agent.refresh()
        #expect(!daemon.enabled("dns"), "withdrawn after the third failure")
        #expect(daemon.enabled("ntp"), "a service without auto_withdraw stays")
        let dns = try #require(await agent.status().services.first { $0.name == "dns" })
        #expect(dns.desired == .drain && dns.drain?.mode == .auto && dns.health == .down)
        #expect(dns.drain?.reason.contains("no answer within 500 ms") == true)

        // An operator undrain while the check is down is refused, unless forced.
        await #expect(throws: AgentAPIError.self) {
            _ = try await agent.undrain(UndrainRequest(service: "dns", operator: "alice"), origin: origin)
        }
        #expect(!daemon.enabled("dns"))

        probe.failing.withLock { $0 = false }
        await agent.refresh()
        #expect(!daemon.enabled("dns"), "one good check is not yet a rise of 2")
        await agent.refresh()
        #expect(daemon.enabled("dns"), "announced again after the rise")
        let events = await agent.events(since: 0).events.map(\.kind)
        #expect(events.contains(.autoWithdraw) && events.contains(.autoAnnounce) && events.contains(.undrainFailed))
    }

    @Test func anOperatorDrainWinsOverHealth() async throws {
        let daemon = SiteAgentReconcileTests.Daemon(), probe = SwitchProbe()
        let agent = await agent(daemon, probe)
        await agent.refresh()
        _ = try await agent.drain(DrainRequest(service: "dns", reason: "CHG-11", operator: "bob"), origin: origin)
        probe.failing.withLock { $0 = true }
        for _ in 0..<4 { await agent.refresh() }
        probe.failing.withLock { $0 = false }
        for _ in 0..<3 { await agent.refresh() }
        let dns = try #require(await agent.status().services.first { $0.name == "dns" })
        #expect(dns.desired == .drain && dns.drain?.mode == .operator && dns.drain?.reason == "CHG-11")
        #expect(!daemon.enabled("dns"), "health never re-announces what an operator drained")
    }

    @Test func aForcedUndrainAnnouncesDespiteHealth() async throws {
        let daemon = SiteAgentReconcileTests.Daemon(), probe = SwitchProbe()
        let agent = await agent(daemon, probe)
        probe.failing.withLock { $0 = true }
        for _ in 0..<3 { await agent.refresh() }
        #expect(!daemon.enabled("dns"))
        _ = try await agent.undrain(UndrainRequest(service: "dns", operator: "alice", force: true), origin: origin)
        #expect(daemon.enabled("dns"))
    }
}
