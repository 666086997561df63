import AnycastCore
import Foundation
import Logging
import NIOCore

/// One site's agent: keeps the desired state of its services, reads the routing daemon, the
/// traffic source and the probe, and carries out drains and undrains.
///
/// Backends are read by `refresh()` (once a second from a service loop); `status()` answers
/// from what the last refresh saw, so a slow backend never slows the API.
public actor SiteAgent {
    /// The site this agent speaks for.
    public nonisolated let identity: SiteIdentity
    /// The services the agent manages.
    public nonisolated let services: [ServiceDefinition]
    let routes: any RouteController
    let traffic: any TrafficSource
    let probe: (any LatencyProbe)?
    let store: any DesiredStateStore
    let version: String
    let backendTimeout: Duration
    let clock: @Sendable () -> Date
    let logger: Logger
    let startedAt: Date
    let audit: (any AuditSink)?
    /// How often the desired state is compared with the daemon's and re-applied; nil: never.
    let reconcileInterval: Duration?
    /// How long a drain may take to show in the export tables before it is "not effective";
    /// nil: drains are not watched.
    let verifyDeadline: Duration?
    private var lastReconcile: Date?
    /// The health of the site's service as the probe sees it (with a probe only).
    private var healthCheck: HealthTracker? { didSet { generation &+= 1 } }
    /// How often the probe runs; nil: every refresh.
    let probeInterval: Duration?
    /// Prometheus metrics, updated after every refresh.
    public nonisolated let metrics: AgentMetrics?
    private var lastProbe: Date?
    /// Latency from the traffic source (e.g. Unbound's histogram), shown when there is no probe.
    private var serverLatency: LatencyStatus?
    /// Answers per second by rcode between the last two samples.
    private var rcodeRates: [String: Double] = [:] { didSet { generation &+= 1 } }

    private var intents: [String: ServiceIntent] = [:] { didSet { generation &+= 1 } }
    private var observation: RouteObservation? { didSet { generation &+= 1 } }
    private var routeError: BackendError? { didSet { generation &+= 1 } }
    private var lastSample: TrafficSample? { didSet { generation &+= 1 } }
    private var trafficError: BackendError? { didSet { generation &+= 1 } }
    private var qps: Double? { didSet { generation &+= 1 } }
    private var history = RateHistory() { didSet { generation &+= 1 } }
    private var latency = LatencyStatus.none { didSet { generation &+= 1 } }
    private var probeError: BackendError? { didSet { generation &+= 1 } }
    /// The desired state could not be read at start: no reconciling until it is written again.
    private var stateError: BackendError? { didSet { generation &+= 1 } }
    private var eventLog = EventLog()
    private var startTask: Task<Void, Never>?
    private var revisionCache: (slow: SiteStatus, revision: String)?
    /// Bumped by every change of what `status()` shows; keys the cache of the encoded answer.
    private var generation: UInt64 = 0 { didSet { statusCache.invalidate(generation: generation) } }
    private nonisolated let statusCache = EncodedStatusCache()
    private nonisolated let streams: StatusStreamHub

    /// How many history points `status()` returns when the caller does not say.
    public static let defaultHistoryPoints = 300

    public init(
        identity: SiteIdentity, services: [ServiceDefinition], routes: any RouteController,
        traffic: any TrafficSource, probe: (any LatencyProbe)?, store: any DesiredStateStore,
        version: String = AgentVersion.current, backendTimeout: Duration = .seconds(2),
        clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "anycast-agent"),
        audit: (any AuditSink)? = nil, reconcileInterval: Duration? = nil, verifyDeadline: Duration? = nil,
        health: HealthConfig? = nil, probeInterval: Duration? = nil, metrics: AgentMetrics? = nil,
        maxStatusStreams: Int = 256
    ) {
        self.streams = StatusStreamHub(limit: maxStatusStreams)
        self.probeInterval = probeInterval
        self.metrics = metrics
        if probe != nil, let health {
            self.healthCheck = HealthTracker(name: "dns-probe", rise: health.rise, fall: health.fall)
        }
        self.audit = audit
        self.reconcileInterval = reconcileInterval
        self.verifyDeadline = verifyDeadline
        self.identity = identity
        self.services = services
        self.routes = routes
        self.traffic = traffic
        self.probe = probe
        self.store = store
        self.version = version
        self.backendTimeout = backendTimeout
        self.clock = clock
        self.logger = logger
        self.startedAt = clock()
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
            intents = try await store.load()
        } catch {
            // Not knowing which services were drained, the agent must not guess "announce":
            // it leaves the routes as they are until an operator drains or undrains.
            stateError = BackendError(source: "state", message: "the desired state cannot be read, so routes are left as they are: \(error)")
            logger.error("cannot load the desired state; not reconciling", metadata: ["error": "\(error)"])
            notes.append("the desired state cannot be read, so routes are left as they are until a drain or undrain")
        }
        history.merge(await traffic.backfill())
        if let audit {
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
        record(AgentEvent(seq: 0, time: clock(), kind: .agentStarted, actor: "agent", message: message))
        if audit != nil && stateError == nil { recordUnauditedChanges() }
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
                seq: 0, time: clock(), kind: desired == .drain ? .drain : .undrain, actor: drainRecord?.operator ?? "unknown",
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
        defer {
            metrics?.update(status(historyAfter: .distantFuture))
            streams.notify()
        }
        if let interval = reconcileInterval {
            let now = clock()
            if lastReconcile.map({ now.timeIntervalSince($0) >= interval.inSeconds }) ?? true {
                lastReconcile = now
                await reconcile()
            }
        }
    }

    /// Compares the desired state with what the routing daemon is doing and re-applies where
    /// they differ (someone ran `birdc enable` on a drained site, BIRD restarted with its
    /// config, a drain was recorded while BIRD was down), with a "drift corrected" event.
    public func reconcile() async {
        guard routeError == nil, stateError == nil, let observation else { return }
        for def in services {
            guard let origin = observation.origins[def.name] else { continue }  // daemon cannot say
            let intent = intents[def.name] ?? .announce
            guard origin != intent.desired else { continue }
            let controller = routes
            let found = origin.map { $0 == .drain ? "withdrawn" : "announced" } ?? "in a mixed state"
            let wanted = intent.desired == .drain ? "drained" : "announced"
            do {
                try await withTimeout(backendTimeout, "routing daemon") {
                    try await controller.apply(intent.desired, to: def, record: intent.drain)
                }
                record(AgentEvent(seq: 0, time: clock(), kind: .driftCorrected, actor: "agent", service: def.name,
                                  message: "\(def.name) should be \(wanted) but the routing daemon had it \(found); re-applied",
                                  result: "applied"))
            } catch {
                record(AgentEvent(seq: 0, time: clock(), kind: intent.desired == .drain ? .drainFailed : .undrainFailed,
                                  actor: "agent", service: def.name,
                                  message: "drift: \(def.name) should be \(wanted) but is \(found); re-applying failed: \(error)",
                                  result: "failed"))
            }
        }
        await observeRoutes()
    }

    /// Keeps an event in memory and, for the audit trail, on disk. Every event goes to disk, so
    /// a restarted agent continues the numbering after the last one it ever issued.
    @discardableResult
    private func record(_ event: AgentEvent) -> AgentEvent {
        let numbered = eventLog.record(event)
        if let audit {
            do { try audit.append(numbered) } catch {
                logger.error("cannot write the audit log", metadata: ["error": "\(error)", "event": "\(numbered.message)"])
            }
        }
        return numbered
    }

    private func sampleTraffic() async {
        let source = traffic
        do {
            let sample = try await withTimeout(backendTimeout, "traffic source") { try await source.sample() }
            rcodeRates = [:]
            if let previous = lastSample {
                let seconds = sample.time.timeIntervalSince(previous.time)
                if seconds > 0, seconds <= 3 {
                    for (name, total) in sample.rcodes {
                        if let before = previous.rcodes[name], total >= before { rcodeRates[name] = Double(total - before) / seconds }
                    }
                }
                let rate = CounterRate.between(
                    CounterSample(value: previous.queriesTotal, time: previous.time),
                    CounterSample(value: sample.queriesTotal, time: sample.time), maxGap: 3)
                qps = rate.perSecond
                if let r = rate.perSecond, !rate.spansGap { history.append(RatePoint(t: sample.time, qps: r)) }
            } else if let last = history.latest, sample.time.timeIntervalSince(last.t) < 3 {
                qps = last.qps  // backfilled history covers the gap until the second reading
            }
            lastSample = sample
            serverLatency = sample.latency.map { var l = $0; l.successRatio = nil; return l }
            setError(&trafficError, nil, source: "traffic")
        } catch {
            qps = nil
            lastSample = nil
            serverLatency = nil
            rcodeRates = [:]
            setError(&trafficError, BackendError(source: "traffic", message: "\(error)"), source: "traffic")
        }
    }

    private func observeRoutes() async {
        let controller = routes
        let defs = services
        do {
            observation = try await withTimeout(backendTimeout, "routing daemon") { try await controller.observe(services: defs) }
            setError(&routeError, nil, source: "routes")
        } catch {
            observation = nil
            setError(&routeError, BackendError(source: "routes", message: "\(error)"), source: "routes")
        }
    }

    private func measureLatency() async {
        guard let probe else {
            latency = serverLatency ?? .none
            return
        }
        let now = clock()
        if let interval = probeInterval, let last = lastProbe, now.timeIntervalSince(last) < interval.inSeconds - 0.05 { return }
        lastProbe = now
        var failure: String?
        do {
            let started = ContinuousClock.now
            latency = try await withTimeout(backendTimeout, "probe") { try await probe.measure() }
            metrics?.probeSucceeded(in: ContinuousClock.now - started)
            setError(&probeError, nil, source: "probe")
        } catch let error as any LatencyProbeFailure {
            latency = error.latency
            failure = error.message
        } catch {
            latency = .none
            failure = "\(error)"
        }
        if let failure { setError(&probeError, BackendError(source: "probe", message: failure), source: "probe") }
        guard healthCheck != nil else { return }
        let detail = failure ?? latency.p50Ms.map { "ok (p50 \(Self.format($0)) ms)" } ?? "ok"
        if let changed = healthCheck!.record(ok: failure == nil, detail: detail, at: clock()) {
            await healthChanged(to: changed, detail: detail)
        }
    }

    /// Health went down: withdraw every `auto_withdraw` service that is announced. Health came
    /// back: re-announce what health withdrew. An operator's drain always wins: health never
    /// touches a service an operator drained.
    private func healthChanged(to state: HealthState, detail: String) async {
        let name = healthCheck?.name ?? "health"
        record(AgentEvent(seq: 0, time: clock(), kind: state == .down ? .backendError : .backendRecovered,
                          actor: "health", message: "health check \(name) is \(state.rawValue): \(detail)"))
        let auto = services.filter(\.autoWithdraw)
        switch state {
        case .down:
            let targets = auto.filter { (intents[$0.name] ?? .announce).desired == .announce }
            guard !targets.isEmpty else { return }
            let record = DrainRecord(operator: "health", reason: "health check \(name) down: \(detail)", since: clock(), mode: .auto)
            await autoChange(targets, to: ServiceIntent(desired: .drain, drain: record), kind: .autoWithdraw,
                             message: "withdrawn automatically: health check \(name) down (\(detail))")
        case .up:
            let targets = auto.filter { intents[$0.name]?.desired == .drain && intents[$0.name]?.drain?.mode == .auto }
            guard !targets.isEmpty else { return }
            await autoChange(targets, to: .announce, kind: .autoAnnounce,
                             message: "announced again automatically: health check \(name) up")
        case .unknown:
            return
        }
    }

    private func autoChange(_ targets: [ServiceDefinition], to intent: ServiceIntent, kind: EventKind, message: String) async {
        let previous = intents
        for t in targets { intents[t.name] = intent }
        do {
            try await store.save(intents)
        } catch {
            intents = previous
            record(AgentEvent(seq: 0, time: clock(), kind: kind, actor: "health",
                              message: "\(message) — not done: cannot persist the desired state: \(error)", result: "not-recorded"))
            return
        }
        for t in targets {
            let controller = routes
            do {
                try await withTimeout(backendTimeout, "routing daemon") {
                    try await controller.apply(intent.desired, to: t, record: intent.drain)
                }
                record(AgentEvent(seq: 0, time: clock(), kind: kind, actor: "health", service: t.name, message: message,
                                  reason: intent.drain?.reason, result: "applied"))
            } catch {
                record(AgentEvent(seq: 0, time: clock(), kind: kind, actor: "health", service: t.name,
                                  message: "\(message) — recorded, not applied: \(error)", reason: intent.drain?.reason,
                                  result: "recorded-not-applied"))
            }
        }
        await observeRoutes()
    }

    private static func format(_ ms: Double) -> String {
        ms < 10 ? String(format: "%.2f", ms) : String(format: "%.0f", ms)
    }

    /// Records the transitions of a backend's error state as events (not every failed read).
    private func setError(_ slot: inout BackendError?, _ new: BackendError?, source: String) {
        switch (slot, new) {
        case (nil, let e?):
            record(AgentEvent(seq: 0, time: clock(), kind: .backendError, actor: "agent", message: "\(source): \(e.message)"))
            logger.warning("backend failing", metadata: ["source": "\(source)", "error": "\(e.message)"])
        case (_?, nil):
            record(AgentEvent(seq: 0, time: clock(), kind: .backendRecovered, actor: "agent", message: "\(source) recovered"))
        default: break
        }
        slot = new
    }

    /// The site snapshot. `historyAfter` limits the history to newer points (incremental polls);
    /// otherwise the newest `historyPoints` are returned.
    public func status(historyAfter: Date? = nil, historyPoints: Int = SiteAgent.defaultHistoryPoints) -> SiteStatus {
        let serviceStates = services.map { def -> ServiceStatus in
            let intent = intents[def.name] ?? .announce
            let obs = routeError == nil ? observation?.services[def.name] : nil
            return ServiceStatus(
                name: def.name, prefixes: def.prefixes, desired: intent.desired,
                observed: obs?.observed ?? .unknown, drain: intent.drain, peers: obs?.peers ?? [],
                health: healthCheck?.state)
        }
        // Times travel with millisecond precision, so a point the caller already holds may
        // come back a fraction of a millisecond later than `historyAfter`: skip those.
        let points = historyAfter.map { history.points(after: $0.addingTimeInterval(0.001)) } ?? history.recent(historyPoints)
        let trafficStatus = TrafficStatus(
            qps: trafficError == nil ? qps : nil, queriesTotal: lastSample?.queriesTotal,
            rcodes: lastSample?.rcodes ?? [:], sampledAt: lastSample?.time, history: points,
            rcodeRates: trafficError == nil ? rcodeRates : [:])
        return SiteStatus(
            site: identity,
            agent: AgentInfo(version: version, startedAt: startedAt, now: clock()),
            services: serviceStates,
            peers: routeError == nil ? observation?.peers ?? [] : [],
            traffic: trafficStatus,
            latency: latency,
            health: healthCheck.map { [$0.status] } ?? [],
            errors: [stateError, routeError, trafficError, probeError].compactMap { $0 })
    }

    /// `GET /v1/status` without `history_after`, encoded: the bytes are made once per change of
    /// the state (at most once a refresh, plus drains), not once per request. `agent.now` is
    /// then the time the answer was made.
    public func encodedStatus(historyPoints: Int = SiteAgent.defaultHistoryPoints) throws -> ByteBuffer {
        if let body = statusCache.body(points: historyPoints) { return body }
        let body = ByteBuffer(bytes: try AgentJSON.encoder().encode(status(historyPoints: historyPoints)))
        statusCache.store(body, generation: generation, points: historyPoints)
        return body
    }

    /// The encoded `GET /v1/status` answer if the state has not changed since it was made;
    /// callable from any thread, without waiting for the actor.
    public nonisolated func cachedEncodedStatus(historyPoints: Int = SiteAgent.defaultHistoryPoints) -> ByteBuffer? {
        statusCache.body(points: historyPoints)
    }

    /// The poller's compact answer: the fast-changing figures, plus the whole status only when
    /// the caller's `known` revision of the rest is out of date.
    public func statusUpdate(known: String?, historyAfter: Date?, historyPoints: Int = SiteAgent.defaultHistoryPoints) -> StatusUpdate {
        var full = status(historyAfter: historyAfter, historyPoints: historyPoints)
        let history = full.traffic.history
        let traffic = full.traffic
        let latency = full.latency
        full.traffic = .empty
        full.latency = LatencyStatus(p50Ms: nil, p95Ms: nil, p99Ms: nil, source: latency.source)
        full.agent.now = full.agent.startedAt
        let revision = revision(of: full)
        var carried: SiteStatus?
        let now = clock()
        if known != revision {
            full.agent.now = now
            full.traffic = traffic
            full.traffic.history = []
            full.latency = latency
            carried = full
        }
        return StatusUpdate(
            revision: revision, now: now, qps: traffic.qps, queriesTotal: traffic.queriesTotal,
            rcodes: traffic.rcodes, sampledAt: traffic.sampledAt, latency: latency, history: history, status: carried)
    }

    /// Signals each change of the status to one `GET /v1/status/stream` answer; nil when
    /// `maxStatusStreams` are open already. The stream ends when the caller stops iterating.
    public nonisolated func statusChanges() -> AsyncStream<Void>? { streams.subscribe() }

    /// How many `GET /v1/status/stream` answers are open now.
    public nonisolated var openStatusStreams: Int { streams.count }

    /// Ends every status stream (the agent is shutting down).
    public nonisolated func endStatusStreams() { streams.finishAll() }

    /// The next line of a status stream, and the cursor after it. A stream's first line
    /// starts from `StatusStreamCursor(historyAfter:)`: the whole status, with the history
    /// points after `historyAfter` or else the newest `historyPoints`; each later line brings
    /// the figures and the points since the line before, and the whole status only when it changed.
    public func streamUpdate(from cursor: StatusStreamCursor, historyPoints: Int = RateHistory.defaultCapacity) -> (StatusUpdate, StatusStreamCursor) {
        let update = statusUpdate(known: cursor.known, historyAfter: cursor.historyAfter, historyPoints: historyPoints)
        return (update, StatusStreamCursor(known: update.revision, historyAfter: history.latest?.t ?? cursor.historyAfter))
    }

    /// A label of `slow` (the status without its fast-changing figures): FNV-1a over its JSON,
    /// recomputed only when it differs from the last one labelled.
    private func revision(of slow: SiteStatus) -> String {
        if let cached = revisionCache, cached.slow == slow { return cached.revision }
        let bytes = (try? AgentJSON.encoder().encode(slow)) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let label = String(hash, radix: 16)
        revisionCache = (slow, label)
        return label
    }

    /// Events after `seq`, oldest first.
    public func events(since seq: UInt64, limit: Int = 1000) -> EventsPage {
        EventsPage(events: eventLog.events(after: seq, limit: limit), last: eventLog.lastSeq)
    }

    /// Drains one service (or all): persists the new desired state, then tells the routing
    /// daemon. Draining a drained service changes nothing and answers the existing record.
    public func drain(_ request: DrainRequest, origin: RequestOrigin) async throws(AgentAPIError) -> SiteStatus {
        do { try request.validate() } catch { throw .badRequest(error.description) }
        let targets = try selectServices(request.service)
        let record = DrainRecord(operator: request.operator, reason: request.reason, since: clock(), mode: .operator)
        // With the desired state unreadable, what is drained is unknown: the request is applied as asked.
        let changed = stateError != nil ? targets : targets.filter { intents[$0.name]?.desired != .drain || intents[$0.name]?.drain?.mode == .auto }
        if changed.isEmpty { return status() }
        defer { streams.notify() }
        try await change(changed, to: ServiceIntent(desired: .drain, drain: record), origin: origin, reason: request.reason)
        return status()
    }

    /// Puts one service (or all) back into service.
    public func undrain(_ request: UndrainRequest, origin: RequestOrigin) async throws(AgentAPIError) -> SiteStatus {
        do { try request.validate() } catch { throw .badRequest(error.description) }
        let targets = try selectServices(request.service)
        let changed = stateError != nil ? targets : targets.filter { (intents[$0.name] ?? .announce).desired != .announce }
        if changed.isEmpty { return status() }
        if request.force != true, let check = healthCheck, check.state == .down,
           let held = changed.first(where: { intents[$0.name]?.drain?.mode == .auto }) {
            record(AgentEvent(seq: 0, time: clock(), kind: .undrainFailed, actor: request.operator, service: held.name,
                              message: "undrain refused: \(held.name) is withdrawn because health check \(check.name) is down (\(check.detail))",
                              token: origin.tokenName, client: origin.clientAddress, reason: request.reason, result: "refused"))
            throw .conflict("\(held.name) is withdrawn automatically because health check \(check.name) is down (\(check.detail)); "
                            + "it comes back by itself when the check recovers, or undrain with \"force\": true to announce it anyway")
        }
        defer { streams.notify() }
        try await change(changed, to: .announce, origin: origin, operator: request.operator, reason: request.reason)
        return status()
    }

    private func selectServices(_ name: String?) throws(AgentAPIError) -> [ServiceDefinition] {
        guard let name else { return services }
        guard let def = services.first(where: { $0.name == name }) else {
            throw .notFound("unknown service '\(name)'; this site has: \(services.map(\.name).joined(separator: ", "))")
        }
        return [def]
    }

    private func change(
        _ targets: [ServiceDefinition], to intent: ServiceIntent, origin: RequestOrigin,
        operator: String? = nil, reason: String?
    ) async throws(AgentAPIError) {
        let actor = intent.drain?.operator ?? `operator` ?? origin.tokenName
        let verb = intent.desired == .drain ? "drain" : "undrain"
        let failedKind: EventKind = intent.desired == .drain ? .drainFailed : .undrainFailed
        func entry(_ kind: EventKind, _ service: String?, _ message: String, _ result: String) -> AgentEvent {
            AgentEvent(seq: 0, time: clock(), kind: kind, actor: actor, service: service, message: message,
                       token: origin.tokenName, client: origin.clientAddress, reason: reason, result: result)
        }
        let previous = intents
        for t in targets { intents[t.name] = intent }
        // The desired state is durable before any route changes, so a crash can never forget a drain.
        do {
            try await store.save(intents)
        } catch {
            intents = previous
            record(entry(failedKind, nil, "\(verb) not recorded: cannot persist desired state: \(error)", "not-recorded"))
            throw .internal("cannot persist the desired state: \(error)")
        }
        stateError = nil  // an operator's drain or undrain has written a desired state again
        var failures: [String] = []
        var applied: [ServiceDefinition] = []
        for t in targets {
            let controller = routes
            do {
                try await withTimeout(backendTimeout, "routing daemon") {
                    try await controller.apply(intent.desired, to: t, record: intent.drain)
                }
                let why = reason.map { ": \($0)" } ?? ""
                record(entry(intent.desired == .drain ? .drain : .undrain, t.name,
                             "\(verb) by \(actor) (token \(origin.tokenName))\(why)", "applied"))
                applied.append(t)
            } catch {
                failures.append("\(t.name): \(error)")
                record(entry(failedKind, t.name,
                             "\(verb) recorded but not applied: \(error); it is applied when the routing daemon answers",
                             "recorded-not-applied"))
            }
        }
        await observeRoutes()
        if !applied.isEmpty, let deadline = verifyDeadline {
            let desired = intent.desired
            Task { await self.verify(applied, desired: desired, actor: actor, deadline: deadline) }
        }
        if !failures.isEmpty {
            throw .unavailable("\(verb) recorded, but the routing daemon did not apply it: \(failures.joined(separator: "; "))")
        }
    }

    /// Watches the export tables after a drain (or undrain) until no Established peer is sent
    /// the prefixes (or every one is), or the deadline passes: "drain verified" or "drain not
    /// effective" with what is still exported where.
    func verify(_ targets: [ServiceDefinition], desired: DesiredState, actor: String, deadline: Duration) async {
        let started = ContinuousClock.now
        let goal: ObservedState = desired == .drain ? .withdrawn : .announced
        let verb = desired == .drain ? "drain" : "undrain"
        var pending = targets
        while !pending.isEmpty {
            if let observation, routeError == nil {
                pending = pending.filter { observation.services[$0.name]?.observed != goal }
            }
            if pending.isEmpty { break }
            if ContinuousClock.now - started >= deadline {
                for t in pending {
                    let wrong = observation?.services[t.name]?.peers.filter { $0.observed != goal }
                        .map { "\($0.peer) (\($0.observed.rawValue))" } ?? []
                    let detail = wrong.isEmpty ? "the routing daemon did not answer" : "still \(desired == .drain ? "exported to" : "missing at") \(wrong.joined(separator: ", "))"
                    record(AgentEvent(seq: 0, time: clock(), kind: .drainNotEffective, actor: actor, service: t.name,
                                      message: "\(verb) not effective after \(deadline.inSeconds) s: \(detail)", result: "not-effective"))
                }
                return
            }
            try? await Task.sleep(for: .milliseconds(200))
            await observeRoutes()
        }
        let ms = Int((ContinuousClock.now - started).inSeconds * 1000)
        for t in targets {
            record(AgentEvent(seq: 0, time: clock(), kind: .drainVerified, actor: actor, service: t.name,
                              message: "\(verb) verified: \(desired == .drain ? "withdrawn from" : "announced to") every Established peer within \(ms) ms",
                              result: "verified"))
        }
    }
}

