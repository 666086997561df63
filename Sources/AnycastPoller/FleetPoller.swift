import AnycastCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// Polls every site's agent concurrently once per interval and keeps the fleet picture.
///
/// Each request has its own timeout (80% of the interval by default), so a hung, slow or
/// dead agent never delays the others or the cycle. Results are applied as they arrive.
/// Agents that keep failing are retried with a capped exponential back-off.
public actor FleetPoller {
    public nonisolated let config: FleetConfig
    let client: AgentClient
    let clock: @Sendable () -> Date
    let logger: Logger
    /// Longest wait between retries of an unreachable agent.
    public let maxBackoff: Duration
    /// How many sites a cycle may ask for their whole history window (once per site). The
    /// other sites' first polls bring their current state only; their history follows in
    /// later cycles, so a large fleet shows at once and its agents and the dashboard never
    /// take a whole fleet's history in one second.
    public let historyLoadsPerCycle: Int
    /// Whether agents are followed over status streams (`GET /v1/status/stream`, over TLS
    /// for https agents) rather than polled; agents without streams are polled either way.
    public let streaming: Bool

    private var sites: [SiteSnapshot]
    private var nextAttempt: [Date?]
    /// Each agent's revision of its slow-changing status, as last received.
    private var revisions: [String?]
    /// Whether each site's whole history window has arrived.
    private var historyLoaded: [Bool]
    private let endpoints: [AgentEndpoint?]
    private let transport: StatusPollTransport
    private let streams: StatusStreamSet
    /// https agents are followed over streams too (a TLS context could be made).
    private let streamsTLS: Bool
    /// Agents that answered a stream with 404 or 405 (older agents): polled instead.
    private var pollOnly: [Bool]
    private let decoder: NIOLoopBoundBox<JSONDecoder>
    private var health = PollHealth()

    public init(
        config: FleetConfig, client: AgentClient, maxBackoff: Duration = .seconds(30), historyLoadsPerCycle: Int = 50,
        streaming: Bool = true, clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "anycast-dash.poller")
    ) {
        self.config = config
        self.client = client
        self.maxBackoff = maxBackoff
        self.historyLoadsPerCycle = max(1, historyLoadsPerCycle)
        self.historyLoaded = Array(repeating: false, count: config.sites.count)
        self.pollOnly = Array(repeating: false, count: config.sites.count)
        self.streaming = streaming
        self.clock = clock
        self.logger = logger
        self.sites = config.sites.map { SiteSnapshot(config: $0) }
        self.nextAttempt = Array(repeating: nil, count: config.sites.count)
        self.revisions = Array(repeating: nil, count: config.sites.count)
        self.endpoints = config.sites.map(AgentEndpoint.init(site:))
        self.transport = StatusPollTransport()
        let decoder = NIOLoopBoundBox.makeBoxSendingValue(AgentJSON.decoder(), eventLoop: transport.eventLoop)
        self.decoder = decoder
        // https agents' streams share one TLS context; a bad TLS setting leaves them polled.
        let anyTLS = endpoints.contains { $0?.tls == true }
        let tlsContext = anyTLS ? try? NIOSSLContext(configuration: client.tls ?? .makeClientConfiguration()) : nil
        self.streamsTLS = tlsContext != nil
        self.streams = StatusStreamSet(eventLoop: transport.eventLoop, decoder: decoder, tls: tlsContext)
    }

    /// Closes the kept-alive connections and streams to the agents.
    public nonisolated func close() {
        transport.closeAll()
        streams.closeAll()
    }

    /// The fleet as the poller sees it now.
    public func snapshot() -> FleetSnapshot {
        FleetSnapshot(name: config.name, takenAt: clock(), sites: sites, regions: config.regions,
                      minActiveSites: config.minActiveSites, pollHealth: health)
    }

    /// The site with `id`, if configured.
    public func site(_ id: String) -> SiteSnapshot? { sites.first { $0.config.id == id } }

    /// Polls every due site once, concurrently; returns when every request has finished or
    /// timed out. `force` ignores back-off (the operator pressed "poll now").
    @discardableResult
    public func pollOnce(force: Bool = false) async -> FleetSnapshot {
        let started = ContinuousClock.now
        let now = clock()
        let timeout = config.requestTimeout
        var jobs: [(Int, SiteConfig, Date?, Bool)] = []
        var streamJobs: [StatusStreamSet.Job] = []
        var historyLoads = 0
        for i in sites.indices {
            if !force, let due = nextAttempt[i], due > now { continue }
            let wholeHistory = !historyLoaded[i] && historyLoads < historyLoadsPerCycle
            if wholeHistory { historyLoads += 1 }
            if streaming, !pollOnly[i], let endpoint = endpoints[i], !endpoint.tls || streamsTLS {
                // Followed over a stream. A site seen for the first time asks the stream for
                // its whole history window; a site already showing (its history not loaded
                // for want of room in earlier cycles) gets it by one poll beside the stream.
                let first = sites[i].status == nil
                let path = first && wholeHistory
                    ? "/v1/status/stream?history=\(min(sites[i].history.capacity, RateHistory.defaultCapacity))"
                    : Self.streamPath(after: sites[i].history.latest?.t)
                streamJobs.append(.init(index: i, endpoint: endpoint, path: path, wholeHistory: first && wholeHistory))
                if wholeHistory && !first { jobs.append((i, sites[i].config, nil, true)) }
                continue
            }
            jobs.append((i, sites[i].config, sites[i].history.latest?.t, wholeHistory))
        }
        var futures = polls(jobs, timeout: timeout)
        // A site that has never answered may be an agent without streams (an older version):
        // if its stream is refused, it is polled at once, beside the streams still opening.
        var firstContact: [Int: PollSpec] = [:]
        for job in streamJobs where sites[job.index].status == nil {
            let i = job.index
            let whole = !historyLoaded[i]
            firstContact[i] = spec((i, sites[i].config, whole ? nil : sites[i].history.latest?.t, whole), keepAlive: true)
        }
        let startedFallbacks = NIOLockedValueBox<[Int: EventLoopFuture<PollAnswer>]>([:])
        let fallbackSpecs = firstContact
        // Only first contacts can be stream-less agents seen for the first time; a fleet that
        // has answered (every cycle after the first) passes no callback.
        var onUnsupported: (@Sendable (Int) -> Void)?
        if !fallbackSpecs.isEmpty {
            onUnsupported = { [self] i in
                guard let spec = fallbackSpecs[i] else { return }
                let remaining = timeout - (ContinuousClock.now - started)
                guard remaining >= .milliseconds(100) else { return }
                let poll = start(spec, timeout: remaining)
                startedFallbacks.withLockedValue { $0[i] = poll }
            }
        }
        let streamed = streamJobs.isEmpty ? nil : streams.take(
            streamJobs, timeout: timeout, silentAfter: config.pollInterval * 2 + timeout, maxBytes: config.maxResponseBytes,
            onUnsupported: onUnsupported)
        // A site fails at most once a cycle, whether its stream, its history poll or both failed.
        var failed = Set<Int>()
        if let deliveries = try? await streamed?.get() {
            var fallback: [(Int, SiteConfig, Date?, Bool)] = []
            for delivery in deliveries {
                let i = delivery.index
                if delivery.unsupported {
                    // An agent without streams (an older version): polled from now on, starting now.
                    pollOnly[i] = true
                    logger.info("agent has no status stream; polling it", metadata: ["site": "\(sites[i].config.id)"])
                    if !jobs.contains(where: { $0.0 == i }), startedFallbacks.withLockedValue({ $0[i] }) == nil {
                        let whole = !historyLoaded[i]
                        fallback.append((i, sites[i].config, whole ? nil : sites[i].history.latest?.t, whole))
                    }
                    continue
                }
                for (result, wholeHistory) in delivery.results {
                    if case .failure = result {
                        guard failed.insert(i).inserted else { continue }
                    }
                    apply(result, to: i, wholeHistory: wholeHistory)
                }
            }
            futures += startedFallbacks.withLockedValue { Array($0.values) }
            // Within what is left of this cycle's timeout (the streams may have waited it out
            // on a hung agent); with too little left they are polled from the next cycle.
            let remaining = timeout - (ContinuousClock.now - started)
            if remaining >= .milliseconds(100) { futures += polls(fallback, timeout: remaining) }
        }
        if let answers = try? await EventLoopFuture.whenAllSucceed(futures, on: transport.eventLoop).get() {
            for (i, wholeHistory, result) in answers {
                if case .failure = result {
                    guard failed.insert(i).inserted else { continue }
                }
                apply(result, to: i, wholeHistory: wholeHistory)
            }
        }
        health.cycles += 1
        let elapsed = ContinuousClock.now - started
        health.lastCycleSeconds = elapsed.inSeconds
        return snapshot()
    }

    /// One poll, with everything it needs taken from the poller's state, so that it can be
    /// started later from the event loop (a stream-less agent's first poll).
    struct PollSpec: Sendable {
        var index: Int
        var site: SiteConfig
        var endpoint: AgentEndpoint?
        var known: String?
        var after: Date?
        var points: Int
        var wholeHistory: Bool
        var keepAlive: Bool
    }

    typealias PollAnswer = (Int, Bool, Result<StatusUpdate, AgentClientError>)

    /// The poll of one job: `(site index, site, newest point held, whole history?)`.
    private func spec(_ job: (Int, SiteConfig, Date?, Bool), keepAlive: Bool? = nil) -> PollSpec {
        let (i, site, newest, wholeHistory) = job
        // The whole window, or what is newer than the newest point held (nothing at all for a
        // first poll that must wait for its history). A streamed site's one-off history poll
        // does not keep its connection.
        return PollSpec(
            index: i, site: site, endpoint: endpoints[i], known: revisions[i], after: wholeHistory ? nil : newest,
            points: wholeHistory ? min(sites[i].history.capacity, RateHistory.defaultCapacity) : 0,
            wholeHistory: wholeHistory, keepAlive: keepAlive ?? (!streaming || pollOnly[i]))
    }

    /// Starts one poll per job.
    private func polls(_ jobs: [(Int, SiteConfig, Date?, Bool)], timeout: Duration) -> [EventLoopFuture<PollAnswer>] {
        jobs.map { start(spec($0), timeout: timeout) }
    }

    /// Starts a poll. Plain-HTTP agents go through the poll transport: one event loop, no task
    /// per request, decoding on the loop. TLS agents go through AsyncHTTPClient.
    private nonisolated func start(_ spec: PollSpec, timeout: Duration) -> EventLoopFuture<PollAnswer> {
        let client = self.client
        let loop = transport.eventLoop
        let decoder = self.decoder
        let i = spec.index
        let wholeHistory = spec.wholeHistory
        guard let endpoint = spec.endpoint else {
            return loop.makeSucceededFuture((i, false, .failure(.badURL(spec.site.url))))
        }
        if endpoint.tls {
            return loop.makeFutureWithTask {
                // A plain do/catch on purpose: `do throws(AgentClientError)` returning from
                // a child task trapped ("Index out of range" in apply) in release builds with Swift 6.3.1.
                do {
                    return (i, wholeHistory, .success(try await client.statusUpdate(
                        of: spec.site, known: spec.known, historyAfter: spec.after, historyPoints: spec.points, timeout: timeout)))
                } catch let error as AgentClientError {
                    return (i, false, .failure(error))
                } catch {
                    return (i, false, .failure(.connection("\(error)")))
                }
            }
        }
        let path = AgentClient.updatePath(known: spec.known, historyAfter: spec.after, historyPoints: spec.points)
        return transport.get(endpoint, path: path, timeout: timeout, maxBytes: config.maxResponseBytes, keepAlive: spec.keepAlive).map { answer in
            switch answer {
            case .success(let response):
                do {
                    return (i, wholeHistory, .success(try AgentClient.decodeUpdate(status: response.status, body: response.body, decoder: decoder.value)))
                } catch let error as AgentClientError {
                    return (i, false, .failure(error))
                } catch {
                    return (i, false, .failure(.invalidResponse("\(error)")))
                }
            case .failure(let error):
                return (i, false, .failure(error))
            }
        }
    }

    /// `GET /v1/status/stream` from the newest point held (or with the agent's newest point,
    /// which closes the gap to a whole-history poll made at the same moment).
    static func streamPath(after newest: Date?) -> String {
        guard let newest else { return "/v1/status/stream?history=1" }
        return "/v1/status/stream?history_after=" + String(format: "%.3f", newest.timeIntervalSince1970)
    }

    private func apply(_ result: Result<StatusUpdate, AgentClientError>, to i: Int, wholeHistory: Bool) {
        let now = clock()
        sites[i].lastAttempt = now
        switch result {
        case .success(let update):
            if let status = update.applied(to: sites[i].status) {
                revisions[i] = Self.usableRevision(update.revision)
                apply(status, to: i, now: now, wholeHistory: wholeHistory)
            } else {
                // "Unchanged" for a status we do not hold: ask for the whole status next time.
                revisions[i] = nil
                fail(.invalidResponse("an update without the status it updates"), at: i, now: now)
            }
        case .failure(let error):
            fail(error, at: i, now: now)
        }
    }

    /// A revision is sent back in a query string: letters, digits, `-` and `_`, at most 64.
    static func usableRevision(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= 64,
              text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 })
        else { return nil }
        return text
    }

    private func apply(_ status: SiteStatus, to i: Int, now: Date, wholeHistory: Bool) {
        let restarted = sites[i].status.map { $0.agent.startedAt != status.agent.startedAt } ?? false
        if restarted { sites[i].lastCounter = nil }
        if wholeHistory {
            sites[i].history.backfill(status.traffic.history)
            historyLoaded[i] = true
        } else {
            sites[i].history.merge(status.traffic.history)
        }
        if let total = status.traffic.queriesTotal, let at = status.traffic.sampledAt {
            let sample = CounterSample(value: total, time: at)
            let maxGap = max(3, 3 * config.pollInterval.inSeconds)
            let rate = CounterRate.between(sites[i].lastCounter, sample, maxGap: maxGap)
            if status.traffic.history.isEmpty, let r = rate.perSecond, !rate.spansGap {
                sites[i].history.append(RatePoint(t: at, qps: r))  // agents without a history
            }
            sites[i].qps = status.traffic.qps ?? rate.perSecond
            sites[i].lastCounter = sample
        } else {
            sites[i].qps = status.traffic.qps
        }
        sites[i].status = status
        sites[i].reachability = .ok
        sites[i].lastSuccess = now
        sites[i].consecutiveFailures = 0
        sites[i].lastError = nil
        nextAttempt[i] = nil
    }

    private func fail(_ error: AgentClientError, at i: Int, now: Date) {
        sites[i].consecutiveFailures += 1
        sites[i].lastError = error.description
        let failures = sites[i].consecutiveFailures
        if failures >= config.unreachableAfter {
            if sites[i].reachability != .unreachable {
                logger.warning("agent unreachable", metadata: ["site": "\(sites[i].config.id)", "error": "\(error)"])
            }
            sites[i].reachability = .unreachable
            sites[i].qps = nil
            let steps = min(failures - config.unreachableAfter + 1, 16)
            let backoff = min(config.pollInterval.inSeconds * pow(2, Double(steps)), maxBackoff.inSeconds)
            nextAttempt[i] = now.addingTimeInterval(backoff)
        } else {
            sites[i].reachability = sites[i].status == nil ? .pending : .stale
        }
    }

    /// Polls every interval until cancelled (or `cycles` have run), handing each cycle's
    /// snapshot to `onCycle`. A cycle that cannot start on time because the previous one is
    /// still running is counted as missed.
    public func run(cycles: Int? = nil, onCycle: @Sendable (FleetSnapshot) async -> Void) async {
        let interval = config.pollInterval
        var next = ContinuousClock.now
        var done = 0
        while !Task.isCancelled {
            let snap = await pollOnce()
            await onCycle(snap)
            done += 1
            if let cycles, done >= cycles { return }
            next += interval
            let now = ContinuousClock.now
            while next < now {
                next += interval
                health.missedCycles += 1
            }
            do { try await Task.sleep(until: next, clock: .continuous) } catch { return }
        }
    }
}

