import AnycastAgent
import AnycastCore
import Clocks
import Foundation
import Testing

/// Staged drains (de-prefer, then withdraw), holds and skips, drain leases and their policy,
/// on a test clock: each `tick` is one second of traffic at a given rate and one refresh.
/// Serialized: hundreds of refreshes per test, run side by side, would take the CPU from the
/// suites that measure real network timeouts.
@Suite(.serialized) struct DrainLifecycleTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lifecycle-\(UUID().uuidString)").path
    let origin = RequestOrigin(tokenName: "noc-operate", clientAddress: "198.51.100.9")
    static let step = DepreferStep(originProtocols: ["anycast4_depref"], prepend: 3, gracefulShutdown: true,
                                   withdrawBelow: 0.1, stageTimeout: .seconds(60))
    let services = [
        ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24"], originProtocols: ["anycast4"], autoWithdraw: true, deprefer: step),
        ServiceDefinition(name: "ntp", prefixes: ["198.51.100.0/25"], originProtocols: ["ntp4"]),
    ]

    /// One site's agent with its stand-ins; `restarted()` makes a new agent on the same state
    /// directory, daemon, traffic and clock, as after a crash.
    struct Site {
        let agent: SiteAgent
        let daemon: SiteAgentReconcileTests.Daemon
        let traffic: ManualTrafficSource
        let probe: SiteAgentHealthTests.SwitchProbe
        let clock: TestTime

        /// One second at `qps`, then a refresh.
        func tick(_ qps: UInt64, times: Int = 1) async {
            for _ in 0..<times {
                traffic.advance(seconds: 1, queries: qps)
                await clock.advance(1)
                await agent.refresh()
            }
        }

        func dns() async -> ServiceStatus { await agent.status().services.first { $0.name == "dns" }! }
        func events() async -> [AgentEvent] { await agent.events(since: 0).events }
    }

    func site(policy: DrainPolicy = .open, reusing old: Site? = nil, verify: Duration? = nil) async throws -> Site {
        let daemon = old?.daemon ?? SiteAgentReconcileTests.Daemon()
        let traffic = old?.traffic ?? ManualTrafficSource()
        let probe = old?.probe ?? SiteAgentHealthTests.SwitchProbe()
        let clock = old?.clock ?? TestTime()
        var configuration = SiteAgentConfiguration(
            identity: SiteIdentity(id: "ams1", name: "Amsterdam", region: "eu"), services: services,
            backends: .init(routes: daemon, traffic: traffic, probe: probe, store: try FileDesiredStateStore(directory: dir),
                            audit: try AuditLog(directory: dir)))
        configuration.backendTimeout = .seconds(1)
        configuration.reconcileInterval = .seconds(10)
        configuration.health = HealthConfig(rise: 1, fall: 1)
        configuration.policy = policy
        configuration.verifyDeadline = verify
        configuration.metrics = AgentMetrics(services: services)
        configuration.clock = AnyClock(clock.clock)
        configuration.now = clock.read
        let agent = SiteAgent(configuration)
        await agent.start()
        return Site(agent: agent, daemon: daemon, traffic: traffic, probe: probe, clock: clock)
    }

    func drain(_ site: Site, stage: DrainStage? = nil, lease: Int? = nil, ticket: String? = nil, who: String = "alice") async throws(AgentAPIError) -> SiteStatus {
        try await site.agent.drain(DrainRequest(service: "dns", reason: "move traffic off", operator: who, lease: lease, ticket: ticket, stage: stage),
                                   origin: origin)
    }

    func audited() throws -> [AgentEvent] { try AuditLog(directory: dir).load(limit: 1000) }

    // MARK: - Staged drains

    @Test func aStagedDrainDeprefersThenWithdrawsOnceTheRateIsUnderWithdrawBelow() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        await s.tick(1000, times: 12)
        _ = try await drain(s, ticket: "CHG-1")
        #expect(s.daemon.step("dns") == .deprefer, "still announced, with the de-prefer attributes")
        var dns = await s.dns()
        #expect(dns.desired == .drain && dns.drain?.stage == .deprefer && dns.observed == .announced && dns.depreferred == true)
        #expect(abs((dns.drain?.baselineQps ?? 0) - 1000) < 1, "the rate before the drain is kept: \(String(describing: dns.drain?.baselineQps))")
        let first = try #require(await s.events().last { $0.kind == .drain })
        #expect(first.change == .deprefer && first.actor == "alice" && first.ticket == "CHG-1")
        #expect(first.message.contains("withdraws once the site's rate is under 10% of 1000 qps, or after stage_timeout 1m"), "\(first.message)")

        await s.tick(500, times: 5)
        #expect(s.daemon.step("dns") == .deprefer, "half the traffic left: not yet under 10%")
        await s.tick(50, times: 4)
        #expect(s.daemon.step("dns") == .withdraw, "the rate (a 3 s mean) fell under 10% of 1000 qps")
        dns = await s.dns()
        #expect(dns.drain?.stage == .withdraw && dns.drain?.operator == "alice" && dns.drain?.ticket == "CHG-1")
        let moved = try #require(await s.events().last { $0.change == .withdraw })
        #expect(moved.kind == .drain && moved.actor == "agent" && moved.message.contains("under 10%"), "\(moved.message)")
        let trail = try audited()
        #expect(trail.contains { $0.change == .deprefer && $0.kind == .drain } && trail.contains { $0.change == .withdraw },
                "both steps are in the audit log")
        #expect(s.daemon.step("ntp") == .announce, "only the service asked for")
    }

    @Test func theStageTimeoutWithdrawsWhateverTheRate() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        await s.tick(1000, times: 12)
        _ = try await drain(s)
        await s.tick(1000, times: 59)
        #expect(s.daemon.step("dns") == .deprefer, "59 s of a 60 s stage_timeout")
        await s.tick(1000)
        #expect(s.daemon.step("dns") == .withdraw)
        let moved = try #require(await s.events().last { $0.change == .withdraw })
        #expect(moved.message.contains("stage_timeout of 1m"), "\(moved.message)")
    }

    @Test func aHeldDrainStaysDepreferredUntilToldToWithdraw() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        await s.tick(1000, times: 12)
        _ = try await drain(s, stage: .deprefer)
        await s.tick(0, times: 70)
        #expect(s.daemon.step("dns") == .deprefer, "held: neither the rate nor the stage_timeout moves it on")
        #expect(await s.dns().drain?.hold == true)

        _ = try await drain(s, stage: .withdraw, who: "bob")
        #expect(s.daemon.step("dns") == .withdraw)
        let moved = try #require(await s.events().last { $0.change == .withdraw })
        #expect(moved.actor == "bob" && moved.kind == .drain)
        #expect(await s.dns().drain?.operator == "alice", "the drain stays alice's")
    }

    @Test func aRunningStagedDrainCanBeHeldWithoutTouchingTheRoutes() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        await s.tick(1000, times: 12)
        _ = try await drain(s)
        let applied = s.daemon.state.withLock { $0.applied }
        _ = try await drain(s, stage: .deprefer)
        #expect(s.daemon.state.withLock { $0.applied } == applied, "a hold changes the record only")
        #expect(await s.dns().drain?.hold == true)
        #expect(await s.events().contains { $0.change == .hold })
        await s.tick(0, times: 70)
        #expect(s.daemon.step("dns") == .deprefer)
    }

    /// The de-prefer step is verified on the attributes each peer is sent, not only on the
    /// route being there.
    @Test(arguments: [false, true])
    func theDepreferStepIsVerifiedOnTheAttributesExported(attributesLost: Bool) async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site(verify: .seconds(1))
        s.daemon.state.withLock { $0.attributesLost = attributesLost }
        _ = try await drain(s, stage: .deprefer)
        for _ in 0..<10 { await s.clock.clock.advance(by: SiteAgent.verifyPollInterval) }
        await s.agent.verificationsEnded()
        let events = await s.events()
        if attributesLost {
            let failed = try #require(events.last { $0.kind == .drainNotEffective })
            #expect(failed.change == .deprefer && failed.message.contains("up1 (announced, without the de-prefer attributes)"), "\(failed.message)")
            #expect(!events.contains { $0.kind == .drainVerified })
        } else {
            let verified = try #require(events.last { $0.kind == .drainVerified })
            #expect(verified.change == .deprefer && verified.message.contains("AS path prepended 3 times, community 65535:0"), "\(verified.message)")
        }
    }

    @Test func withdrawNowSkipsTheDepreferStep() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        _ = try await drain(s, stage: .withdraw)
        #expect(s.daemon.step("dns") == .withdraw)
        #expect(await s.dns().drain?.currentStage == .withdraw)
        #expect(!(await s.events()).contains { $0.change == .deprefer })
    }

    @Test func holdingAServiceWithoutADepreferStepIsRefused() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        await #expect(throws: AgentAPIError.self) {
            _ = try await s.agent.drain(DrainRequest(service: "ntp", reason: "r", operator: "alice", stage: .deprefer), origin: origin)
        }
        #expect(s.daemon.step("ntp") == .announce)
        _ = try await s.agent.drain(DrainRequest(service: "ntp", reason: "r", operator: "alice"), origin: origin)
        #expect(s.daemon.step("ntp") == .withdraw, "without a de-prefer step a drain withdraws at once")
    }

    @Test func undrainFromTheDepreferStepAnnouncesNormally() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        _ = try await drain(s)
        _ = try await s.agent.undrain(UndrainRequest(service: "dns", operator: "alice"), origin: origin)
        #expect(s.daemon.step("dns") == .announce)
        let dns = await s.dns()
        #expect(dns.desired == .announce && dns.drain == nil && dns.depreferred == false)
    }

    @Test func aRestartedAgentResumesAtEachStep() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        await s.tick(1000, times: 12)
        _ = try await drain(s)
        s.daemon.setStep("dns", .announce)  // BIRD restarted with its config: the normal origin is back
        let again = try await site(reusing: s)
        #expect(s.daemon.step("dns") == .deprefer, "the restarted agent puts the de-prefer step back")
        var dns = await again.dns()
        #expect(dns.drain?.stage == .deprefer && abs((dns.drain?.baselineQps ?? 0) - 1000) < 1)
        await again.tick(20, times: 5)
        #expect(s.daemon.step("dns") == .withdraw, "and carries on from there")

        s.daemon.setStep("dns", .announce)
        let third = try await site(reusing: again)
        #expect(s.daemon.step("dns") == .withdraw, "a restart at the withdraw step stays withdrawn")
        dns = await third.dns()
        #expect(dns.drain?.stage == .withdraw)
    }

    @Test func aDepreferStepRemovedFromTheConfigWithdraws() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        _ = try await drain(s, stage: .deprefer)
        #expect(s.daemon.step("dns") == .deprefer)
        // The agent restarts with a config whose service has no de-prefer step any more.
        var configuration = SiteAgentConfiguration(
            identity: SiteIdentity(id: "ams1", name: "Amsterdam", region: "eu"),
            services: services.map { var d = $0; d.deprefer = nil; return d },
            backends: .init(routes: s.daemon, traffic: s.traffic, store: try FileDesiredStateStore(directory: dir), audit: try AuditLog(directory: dir)))
        configuration.clock = AnyClock(s.clock.clock)
        configuration.now = s.clock.read
        let agent = SiteAgent(configuration)
        await agent.start()
        #expect(s.daemon.step("dns") == .withdraw, "never left announced, never stuck")
        #expect(await agent.status().services[0].drain?.currentStage == .withdraw)
        #expect(await agent.events(since: 0).events.contains { $0.change == .withdraw && $0.message.contains("no de-prefer step") })
    }

    @Test func healthDownWithdrawsADepreferredServiceEvenWhenHeld() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        await s.tick(1000, times: 5)
        _ = try await drain(s, stage: .deprefer)
        s.probe.failing.withLock { $0 = true }
        await s.tick(1000)
        #expect(s.daemon.step("dns") == .withdraw, "a site that cannot answer keeps no backup route")
        let dns = await s.dns()
        #expect(dns.drain?.mode == .operator, "still the operator's drain: health never re-announces it")
    }

    @Test func anOperatorDrainOfAnAutoWithdrawnServiceIsNeverAnnouncedDepreferred() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        s.probe.failing.withLock { $0 = true }
        await s.tick(100)
        #expect(s.daemon.step("dns") == .withdraw)
        #expect(await s.dns().drain?.mode == .auto)
        _ = try await drain(s)
        #expect(s.daemon.step("dns") == .withdraw)
        let drained = await s.dns().drain
        #expect(drained?.mode == .operator && drained?.currentStage == .withdraw)
    }

    @Test func metricsCarryTheStepTheLeaseAndTheTicket() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        await s.tick(1000, times: 5)
        _ = try await drain(s, lease: 600, ticket: "CHG-3")
        await s.tick(1000)
        let metrics = try #require(s.agent.metrics)
        var text = metrics.text()
        #expect(text.contains("anycast_service_drain_stage{service=\"dns\",stage=\"deprefer\"} 1"), "\(text)")
        #expect(text.contains("anycast_service_drain_info{service=\"dns\",operator=\"alice\",mode=\"operator\",ticket=\"CHG-3\"} 1"))
        #expect(text.contains("anycast_service_drain_lease_seconds{service=\"dns\"} 599"))
        _ = try await s.agent.undrain(UndrainRequest(service: "dns", operator: "alice"), origin: origin)
        await s.tick(1000)
        text = metrics.text()
        #expect(!text.contains("anycast_service_drain_info{service=\"dns\""), "the series ends with the drain")
        #expect(text.contains("anycast_service_drain_stage{service=\"dns\",stage=\"deprefer\"} 0"))
    }

    // MARK: - Leases

    @Test func aLeaseUndrainsWhenItEnds() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        await s.tick(1000, times: 5)
        _ = try await drain(s, lease: 60, ticket: "CHG-2")
        let until = try #require(await s.dns().drain?.leaseUntil)
        #expect(abs(until.timeIntervalSince(s.clock.read()) - 60) < 0.01)
        await s.tick(0, times: 59)
        #expect(await s.dns().desired == .drain)
        await s.tick(0)
        #expect(s.daemon.step("dns") == .announce)
        #expect(await s.dns().desired == .announce)
        let ended = try #require(await s.events().last { $0.change == .leaseExpired })
        #expect(ended.kind == .undrain && ended.actor == "lease" && ended.ticket == "CHG-2")
        #expect(ended.message.contains("alice") && ended.message.contains("announced again"), "\(ended.message)")
        #expect(try audited().contains { $0.change == .leaseExpired }, "audited like any change")
    }

    @Test func aLeaseThatEndedWhileTheAgentWasDownUndrainsAtStart() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        _ = try await drain(s, stage: .withdraw, lease: 20)
        let end = try #require(await s.dns().drain?.leaseUntil)
        await s.clock.advance(45)  // the agent is down (killed) while the lease ends
        let again = try await site(reusing: s)
        #expect(s.daemon.step("dns") == .announce, "announced at start")
        let ended = try #require(await again.events().last { $0.change == .leaseExpired })
        #expect(ended.message.contains("while the agent was stopped") && ended.message.contains(ISO8601Time.format(end)), "\(ended.message)")
    }

    @Test func aLeaseEndingWhileHealthIsDownLeavesTheServiceWithdrawnAsAuto() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site()
        await s.tick(100)
        _ = try await drain(s, stage: .withdraw, lease: 30)
        s.probe.failing.withLock { $0 = true }
        await s.tick(0, times: 31)
        #expect(s.daemon.step("dns") == .withdraw, "not announced while the service cannot answer")
        let dns = await s.dns()
        #expect(dns.desired == .drain && dns.drain?.mode == .auto)
        let ended = try #require(await s.events().last { $0.change == .leaseExpired })
        #expect(ended.kind == .autoWithdraw && ended.message.contains("not announced again"), "\(ended.message)")

        s.probe.failing.withLock { $0 = false }
        await s.tick(100)
        #expect(s.daemon.step("dns") == .announce, "back by itself once the check recovers")
    }

    @Test func extendAddsToTheLease() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site(policy: DrainPolicy(maxLease: .seconds(7200)))
        _ = try await drain(s, stage: .withdraw, lease: 600)
        let before = try #require(await s.dns().drain?.leaseUntil)
        let applied = s.daemon.state.withLock { $0.applied }
        _ = try await s.agent.extend(ExtendRequest(service: "dns", lease: 3600, operator: "bob"), origin: origin)
        let after = try #require(await s.dns().drain?.leaseUntil)
        #expect(abs(after.timeIntervalSince(before) - 3600) < 0.01)
        #expect(s.daemon.state.withLock { $0.applied } == applied, "the routes are not touched")
        let extended = try #require(await s.events().last { $0.change == .leaseExtended })
        #expect(extended.actor == "bob" && extended.reason?.contains("lease now ends at") == true)

        await #expect(throws: AgentAPIError.self, "4200 s + 3600 s would pass max_lease 2h") {
            _ = try await s.agent.extend(ExtendRequest(service: "dns", lease: 3600, operator: "bob"), origin: origin)
        }
        await #expect(throws: AgentAPIError.self, "nothing to extend on an announced service") {
            _ = try await s.agent.extend(ExtendRequest(service: "ntp", lease: 60, operator: "bob"), origin: origin)
        }
        // Past the first end (600 s) and up to a second before the new one (4200 s): still drained.
        await s.clock.advance(4199)
        await s.agent.refresh()
        #expect(await s.dns().desired == .drain, "the extended lease holds past the first end")
        await s.clock.advance(1)
        await s.agent.refresh()
        #expect(await s.dns().desired == .announce, "and ends at the new end")
    }

    @Test func maxLeaseAndRequireLeaseAreEnforced() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await site(policy: DrainPolicy(maxLease: .seconds(8 * 3600), requireLease: true))
        do {
            _ = try await drain(s)
            Issue.record("a drain without a lease was accepted")
        } catch {
            #expect(error.status == 400 && error.message.contains("--for 2h") && error.message.contains("\"lease\""), "\(error.message)")
        }
        do {
            _ = try await drain(s, lease: 9 * 3600)
            Issue.record("a lease over max_lease was accepted")
        } catch {
            #expect(error.status == 400 && error.message.contains("max_lease of 8h"), "\(error.message)")
        }
        #expect(s.daemon.step("dns") == .announce && s.daemon.state.withLock { $0.applied } == 0, "refused before anything changed")
        _ = try await drain(s, lease: 3600)
        #expect(s.daemon.step("dns") != .announce)
        let info = await s.agent.status().agent
        #expect(info.maxLease == 8 * 3600 && info.requireLease == true && info.drainLifecycle == true)
    }
}
