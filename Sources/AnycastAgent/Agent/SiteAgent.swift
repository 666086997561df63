import AnycastCore
import Clocks
import Foundation
import Logging

/// One site's agent: keeps the desired state of its services, reads the routing daemon, the
/// traffic source and the probe, and carries out drains and undrains. It coordinates the
/// parts, each in its own file: the change pipeline (`carryOut`), operator changes, health and
/// auto-withdraw, the status projection, and the traffic readings.
///
/// Backends are read by `refresh()` (once a second from a service loop); `status()` answers
/// from what the last refresh saw, so a slow backend never slows the API.
public actor SiteAgent {
    /// The site this agent speaks for.
    public nonisolated let identity: SiteIdentity
    /// The services the agent manages.
    public nonisolated let services: [ServiceDefinition]
    /// What the agent waits on and measures intervals with.
    public nonisolated let clock: AnyClock<Duration>
    /// Prometheus metrics, updated after every refresh.
    public nonisolated let metrics: AgentMetrics?
    let backends: SiteAgentConfiguration.Backends
    let version: String
    let daemons: [String]
    let router: String?
    let backendTimeout: Duration
    let now: @Sendable () -> Date
    let logger: Logger
    let startedAt: Date
    let reconcileInterval: Duration?
    let verifyDeadline: Duration?
    let probeInterval: Duration?
    let policy: DrainPolicy
    let coordinationLink: CoordinationLink?
    /// The agent's standing with the fleet's coordination store, and the withdrawals it holds.
    var coordination = CoordinationState() { didSet { generation &+= 1 } }
    var storeTurn = StoreTurn()
    private var lastReconcile: AnyClock<Duration>.Instant?
    /// Services the routing daemon announced further than their drain allows at the last refresh.
    private var overrun: Set<String> = []
    /// Services whose routes a change is applying right now (how many changes, per service):
    /// reconcile leaves them to it.
    var applying: [String: Int] = [:]
    var lastProbe: AnyClock<Duration>.Instant?
    /// Verifications under way, by number.
    var verifications: [Int: Task<Void, Never>] = [:]
    var verificationCount = 0

    /// The health of the site's service as the probe sees it (with a probe only).
    var healthCheck: HealthTracker? { didSet { generation &+= 1 } }
    var intents: [String: ServiceIntent] = [:] { didSet { generation &+= 1 } }
    var observation: RouteObservation? { didSet { generation &+= 1 } }
    var routeError: BackendError? { didSet { generation &+= 1 } }
    var traffic = TrafficReadings() { didSet { generation &+= 1 } }
    var trafficError: BackendError? { didSet { generation &+= 1 } }
    var latency = LatencyStatus.none { didSet { generation &+= 1 } }
    var probeError: BackendError? { didSet { generation &+= 1 } }
    /// The desired state could not be read at start: no reconciling until it is written again.
    var stateError: BackendError? { didSet { generation &+= 1 } }
    private var eventLog = EventLog()
    private var startTask: Task<Void, Never>?
    var revisionCache: (slow: SiteStatus, revision: String)?
    /// Bumped by every change of what `status()` shows; keys the cache of the encoded answer.
    private(set) var generation: UInt64 = 0 { didSet { statusCache.invalidate(generation: generation) } }
    nonisolated let statusCache = EncodedStatusCache()
    nonisolated let streams: StatusStreamHub

    /// How many history points `status()` returns when the caller does not say.
    public static let defaultHistoryPoints = 300

    public init(_ configuration: SiteAgentConfiguration) {
        self.identity = configuration.identity
        self.services = configuration.services
        self.backends = configuration.backends
        self.clock = configuration.clock
        self.metrics = configuration.metrics
        self.version = configuration.version
        self.daemons = configuration.daemons
        self.router = configuration.router
        self.backendTimeout = configuration.backendTimeout
        self.now = configuration.now
        self.logger = configuration.logger
        self.reconcileInterval = configuration.reconcileInterval
        self.verifyDeadline = configuration.verifyDeadline
        self.probeInterval = configuration.probeInterval
        self.policy = configuration.policy
        self.coordinationLink = configuration.coordination
        self.streams = StatusStreamHub(limit: configuration.maxStatusStreams)
        if configuration.backends.probe != nil, let health = configuration.health {
            self.healthCheck = HealthTracker(name: "dns-probe", rise: health.rise, fall: health.fall)
        }
        self.startedAt = configuration.now()
    }

    /// Loads the desired state, takes the traffic source's history and reads every backend once.
    /// Callers that arrive while the first start is still reading the backends wait for it.
    public func start() async {
        if let startTask { return await startTask.value }
        let task = Task { await self.performStart() }
        startTask = task
        await task.value
    }

    private func performStart() async {
        var notes: [String] = []
        do {
            intents = try await backends.store.load()
        } catch {
            // Not knowing which services were drained, the agent must not guess "announce":
            // it leaves the routes as they are until an operator drains or undrains.
            stateError = BackendError(source: "state", message: "the desired state cannot be read, so routes are left as they are: \(error)")
            logger.error("cannot load the desired state; not reconciling", metadata: ["error": "\(error)"])
            notes.append("the desired state cannot be read, so routes are left as they are until a drain or undrain")
        }
        traffic.backfill(await backends.traffic.backfill())
        if let audit = backends.audit {
            do {
                let report = try audit.loadReport(limit: 10_000)
                eventLog.restore(report.events)
                if report.tornLines > 0 {
                    logger.warning("the audit log's last entry was cut short by a crash while it was written; it is left in the file and not read",
                                   metadata: ["lines": "\(report.tornLines)"])
                    notes.append("the audit log's last entry was cut short by a crash while it was written (left in the file, not read)")
                }
                if report.skippedLines > 0 {
                    logger.error("unreadable lines in the audit log were skipped", metadata: ["lines": "\(report.skippedLines)"])
                    notes.append("\(report.skippedLines) unreadable lines in the audit log were skipped")
                }
            } catch {
                logger.error("cannot read the audit log", metadata: ["error": "\(error)"])
                notes.append("the audit log cannot be read: \(error)")
            }
        }
        let message = (["agent \(version) started for site \(identity.id)"] + notes).joined(separator: "; ")
        record(AgentEvent(seq: 0, time: now(), kind: .agentStarted, actor: "agent", message: message))
        if backends.audit != nil && stateError == nil { recordUnauditedChanges() }
        await refresh()
    }

    /// The desired state is written before the route change and its audit entry, so an agent
    /// killed in between leaves a drain or undrain that the audit trail does not show. At
    /// start each service's desired state is compared with the one its audit entries last
    /// recorded; a difference is recorded now, saying so, so the trail matches the state.
    private func recordUnauditedChanges() {
        let trail = eventLog.events(after: 0, limit: Int.max)
        for def in services {
            let desired = intents[def.name]?.desired ?? .announce
            let audited = Self.lastRecordedDesired(of: def.name, in: trail) ?? .announce
            guard desired != audited else { continue }
            let drainRecord = intents[def.name]?.drain
            let verb = desired == .drain ? "drain" : "undrain"
            record(AgentEvent(
                seq: 0, time: now(), kind: desired == .drain ? .drain : .undrain, actor: drainRecord?.operator ?? "unknown",
                service: def.name,
                message: "\(verb) found in the desired state without its audit entry (the agent stopped after recording the desired state, before writing the entry); recorded now",
                reason: drainRecord?.reason, result: "recovered"))
        }
    }

    /// The desired state of `service` as the newest audit entry that changed it recorded.
    public static func lastRecordedDesired(of service: String, in trail: [AgentEvent]) -> DesiredState? {
        for event in trail.reversed() where event.service == service && event.result != "not-recorded" {
            switch event.kind {
            case .drain, .autoWithdraw: return .drain
            case .undrain, .autoAnnounce: return .announce
            case .drainFailed where event.result == "recorded-not-applied": return .drain
            case .undrainFailed where event.result == "recorded-not-applied": return .announce
            default: continue
            }
        }
        return nil
    }

    /// Reads the traffic counters, the routing daemon and the probe, each with a timeout.
    public func refresh() async {
        await sampleTraffic()
        await observeRoutes()
        await measureLatency()
        await advanceDrains()
        defer {
            metrics?.update(status(historyAfter: .distantFuture))
            streams.notify()
        }
        if let interval = reconcileInterval {
            let instant = clock.now
            let newlyOverrun = !checkOverrun().isEmpty
            if newlyOverrun || lastReconcile.map({ $0.duration(to: instant) >= interval }) ?? true {
                lastReconcile = instant
                await reconcile()
            }
        }
    }

    /// The services that have just begun to be announced further than their drain allows (a
    /// daemon restarted with its own config, as BIRD enables its static routes again, or an
    /// announcement made by hand). Traffic is reaching a site its operator took out, so these
    /// are put back at this refresh, not at the next reconcile interval. Only the start of an
    /// overrun counts, so a daemon that ignores the agent is retried at the interval, not on
    /// every refresh.
    private func checkOverrun() -> Set<String> {
        var now: Set<String> = []
        if routeError == nil, let observation {
            for def in services where applying[def.name] == nil {
                guard let origin = observation.origins[def.name] else { continue }
                let wanted = Self.step(of: intents[def.name] ?? .announce, for: def)
                // A mixed state (nil) under a drain has something announced it should not.
                if wanted != .announce, origin.map({ $0.exposure > wanted.exposure }) ?? true { now.insert(def.name) }
            }
        }
        defer { overrun = now }
        return now.subtracting(overrun)
    }

    /// Compares the desired state with what the routing daemon is doing and re-applies where
    /// they differ (someone ran `birdc enable` on a drained site, BIRD restarted with its
    /// config, a drain was recorded while BIRD was down), with a "drift corrected" event.
    public func reconcile() async {
        guard routeError == nil, stateError == nil, let observation else { return }
        for def in services where applying[def.name] == nil {
            guard let origin = observation.origins[def.name] else { continue }  // daemon cannot say
            let intent = intents[def.name] ?? .announce
            let wanted = Self.step(of: intent, for: def)
            guard origin != wanted else { continue }
            let controller = backends.routes
            let found = origin.map(Self.stepWords) ?? "in a mixed state"
            do {
                try await withTimeout(backendTimeout, "routing daemon") {
                    try await controller.apply(wanted, to: def, record: intent.drain)
                }
                record(AgentEvent(seq: 0, time: now(), kind: .driftCorrected, actor: "agent", service: def.name,
                                  message: "\(def.name) should be \(Self.stepWords(wanted)) but the routing daemon had it \(found); re-applied",
                                  result: "applied", ticket: intent.drain?.ticket))
            } catch {
                record(AgentEvent(seq: 0, time: now(), kind: intent.desired == .drain ? .drainFailed : .undrainFailed,
                                  actor: "agent", service: def.name,
                                  message: "drift: \(def.name) should be \(Self.stepWords(wanted)) but is \(found); re-applying failed: \(error)",
                                  result: "failed", ticket: intent.drain?.ticket))
            }
        }
        await observeRoutes()
    }

    /// The step an intent asks of the routing daemon. A drain recorded at the de-prefer step of
    /// a service whose config no longer has one is withdrawn: never left announced.
    static func step(of intent: ServiceIntent, for service: ServiceDefinition) -> RouteStep {
        let step = RouteStep(desired: intent.desired, drain: intent.drain)
        return step == .deprefer && service.deprefer == nil ? .withdraw : step
    }

    static func stepWords(_ step: RouteStep) -> String {
        switch step {
        case .announce: "announced"
        case .deprefer: "drained to its de-prefer step (announced, less preferred)"
        case .withdraw: "drained (withdrawn)"
        }
    }

    /// Keeps an event in memory and, for the audit trail, on disk. Every event goes to disk, so
    /// a restarted agent continues the numbering after the last one it ever issued.
    @discardableResult
    func record(_ event: AgentEvent) -> AgentEvent {
        let numbered = eventLog.record(event)
        if let audit = backends.audit {
            do { try audit.append(numbered) } catch {
                logger.error("cannot write the audit log", metadata: ["error": "\(error)", "event": "\(numbered.message)"])
            }
        }
        return numbered
    }

    private func sampleTraffic() async {
        let source = backends.traffic
        do {
            let sample = try await withTimeout(backendTimeout, "traffic source") { try await source.sample() }
            traffic.record(sample)
            setError(&trafficError, nil, source: "traffic")
        } catch {
            traffic.lost()
            setError(&trafficError, BackendError(source: "traffic", message: "\(error)"), source: "traffic")
        }
    }

    func observeRoutes() async {
        let controller = backends.routes
        let defs = services
        do {
            observation = try await withTimeout(backendTimeout, "routing daemon") { try await controller.observe(services: defs) }
            setError(&routeError, nil, source: "routes")
        } catch {
            observation = nil
            setError(&routeError, BackendError(source: "routes", message: "\(error)"), source: "routes")
        }
    }

    /// Records the transitions of a backend's error state as events (not every failed read).
    func setError(_ slot: inout BackendError?, _ new: BackendError?, source: String) {
        switch (slot, new) {
        case (nil, let e?):
            record(AgentEvent(seq: 0, time: now(), kind: .backendError, actor: "agent", message: "\(source): \(e.message)"))
            logger.warning("backend failing", metadata: ["source": "\(source)", "error": "\(e.message)"])
        case (_?, nil):
            record(AgentEvent(seq: 0, time: now(), kind: .backendRecovered, actor: "agent", message: "\(source) recovered"))
        default: break
        }
        slot = new
    }

    /// Events after `seq`, oldest first.
    public func events(since seq: UInt64, limit: Int = 1000) -> EventsPage {
        EventsPage(events: eventLog.events(after: seq, limit: limit), last: eventLog.lastSeq)
    }
}
