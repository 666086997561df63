import AnycastCore
import Clocks
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import Synchronization

/// Follows every site's agent, once per interval, and keeps the fleet picture.
///
/// Each cycle is planned from the sites' records (`CyclePlan`): streamed agents are read from
/// their status streams, the others polled, all concurrently. Every request of a cycle ends by
/// the cycle's deadline, the request timeout (80% of the interval by default) after it began,
/// on the poller's clock; so a hung, slow or dead agent never delays the others or the cycle.
/// Agents that keep failing are retried with a capped exponential back-off.
public actor FleetPoller {
    public nonisolated let config: FleetConfig
    let client: AgentClient
    /// What cycles, back-off and stream silence are timed by (a test clock in tests).
    public nonisolated let clock: AnyClock<Duration>
    /// The wall-clock time that answers are stamped with.
    let now: @Sendable () -> Date
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

    private var sites: [FollowedSite]
    private let transport: StatusPollTransport
    let streams: StatusStreamSet
    private let decoder: NIOLoopBoundBox<JSONDecoder>
    private var health: PollHealth
    /// The running cycle's deadline, for `requestsWaiting`.
    private nonisolated let currentDeadline = Mutex<CycleDeadline?>(nil)
    /// The cycle under way, if any. Cycles never overlap: a stream is read by one cycle at a
    /// time, and a "poll now" during a cycle must see what came after that cycle began.
    private var running: Task<FleetSnapshot, Never>?
    /// The sites whose status (other than traffic and latency) or reachability changed in
    /// the cycle under way, for its snapshot's `changedSites`.
    private var changedThisCycle: Set<Int> = []
    /// How much later than planned the next cycle starts, to follow the agents' lines
    /// (`CyclePhase`); zero once the run loop has used it.
    private var phaseDelay = Duration.zero

    public init(
        config: FleetConfig, client: AgentClient, maxBackoff: Duration = .seconds(30), historyLoadsPerCycle: Int = 50,
        streaming: Bool = true, clock: AnyClock<Duration> = AnyClock(ContinuousClock()),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "anycast-dash.poller")
    ) {
        self.config = config
        self.client = client
        self.maxBackoff = maxBackoff
        self.historyLoadsPerCycle = max(1, historyLoadsPerCycle)
        self.streaming = streaming
        self.clock = clock
        self.now = now
        self.logger = logger
        self.health = PollHealth(intervalSeconds: config.pollInterval.inSeconds)
        self.transport = StatusPollTransport()
        let decoder = NIOLoopBoundBox.makeBoxSendingValue(AgentJSON.decoder(), eventLoop: transport.eventLoop)
        self.decoder = decoder
        // https agents' streams share one TLS context; a bad TLS setting leaves them polled.
        let endpoints = config.sites.map(AgentEndpoint.init(site:))
        let anyTLS = endpoints.contains { $0?.tls == true }
        let tlsContext = anyTLS ? try? NIOSSLContext(configuration: client.tls ?? .makeClientConfiguration()) : nil
        self.sites = zip(config.sites, endpoints).map {
            FollowedSite(config: $0, endpoint: $1, streaming: streaming, streamsTLS: tlsContext != nil)
        }
        self.streams = StatusStreamSet(eventLoop: transport.eventLoop, decoder: decoder, tls: tlsContext, clock: clock)
        // A socket a site (two for a plain stream read directly): more than a soft limit of
        // 1,024 open files allows a large fleet.
        SocketDescriptor.raiseOpenFileLimit()
    }

    /// Closes the kept-alive connections and streams to the agents.
    public nonisolated func close() {
        transport.closeAll()
        streams.closeAll()
    }

    /// The fleet as the poller sees it now.
    public func snapshot() -> FleetSnapshot {
        FleetSnapshot(name: config.name, takenAt: now(), sites: sites.map(\.snapshot), regions: config.regions,
                      minActiveSites: config.minActiveSites, pollHealth: health)
    }

    /// How many of the running cycle's requests are still waiting for an answer.
    public nonisolated var requestsWaiting: Int { currentDeadline.withLock { $0?.waiting ?? 0 } }

    /// The site with `id`, if configured.
    public func site(_ id: String) -> SiteSnapshot? { sites.first { $0.snapshot.config.id == id }?.snapshot }

    /// Follows every due site once, concurrently; returns when every request has finished or
    /// timed out. `force` ignores back-off (the operator pressed "poll now"). Called while a
    /// cycle runs, it waits for that cycle to end; a forced one then runs its own, while an
    /// ordinary one takes that cycle's picture (so a "poll now" just before the run loop's
    /// turn neither doubles the work nor makes the loop late).
    @discardableResult
    public func pollOnce(force: Bool = false) async -> FleetSnapshot {
        if !force, let running { return await running.value }
        while let running { _ = await running.value }
        let cycle = Task {
            let snapshot = await self.runCycle(force: force)
            self.running = nil
            return snapshot
        }
        running = cycle
        return await cycle.value
    }

    private func runCycle(force: Bool) async -> FleetSnapshot {
        let cycleStart = clock.now
        let plan = CyclePlan.make(for: sites, at: cycleStart, force: force, historyLoadsPerCycle: historyLoadsPerCycle)
        let deadline = CycleDeadline(eventLoop: transport.eventLoop)
        currentDeadline.withLock { $0 = deadline }
        // No request, no timer (a cycle of unusable URLs waits for nothing).
        let timer: Task<Void, Never>? = plan.streams.isEmpty && plan.polls.allSatisfy({ $0.endpoint == nil }) ? nil : Task { [clock] in
            try? await clock.sleep(until: cycleStart.advanced(by: config.requestTimeout), tolerance: nil)
            deadline.pass()
        }
        var polls = plan.polls.map { start($0, timeout: config.requestTimeout, deadline: deadline) }
        // A site fails at most once a cycle, whether its stream, its history poll or both failed.
        var failed = Set<Int>()
        if !plan.streams.isEmpty {
            polls += await followStreams(plan, cycleStart: cycleStart, deadline: deadline, failed: &failed)
        }
        if let answers = try? await EventLoopFuture.whenAllSucceed(polls, on: transport.eventLoop).get() {
            let time = now()
            for answer in answers { receive(answer.result, at: answer.index, time: time, wholeHistory: answer.wholeHistory, failed: &failed) }
        }
        // Everything is in: the timer is not needed, and passing the deadline lets go of what
        // it held.
        timer?.cancel()
        deadline.pass()
        currentDeadline.withLock { $0 = nil }
        health.cycles += 1
        health.lastCycleSeconds = cycleStart.duration(to: clock.now).inSeconds
        var snap = snapshot()
        snap.changedSites = changedThisCycle.sorted()
        changedThisCycle = []
        return snap
    }

    /// Takes what each streamed site's stream brought (opening those not open yet) and starts
    /// the polls of agents found to have no streams; returns those polls.
    private func followStreams(
        _ plan: CyclePlan, cycleStart: AnyClock<Duration>.Instant, deadline: CycleDeadline, failed: inout Set<Int>
    ) async -> [EventLoopFuture<PollAnswer>] {
        let timeout = config.requestTimeout
        let clock = self.clock
        // A site that has never answered may be an agent without streams (an older version):
        // if its stream is refused, it is polled at once, beside the streams still opening.
        // Only first contacts can be that, so a fleet that has answered passes no callback.
        let startedFallbacks = NIOLockedValueBox<[Int: EventLoopFuture<PollAnswer>]>([:])
        var onUnsupported: (@Sendable (Int) -> Void)?
        if !plan.fallbacks.isEmpty {
            let fallbacks = plan.fallbacks
            onUnsupported = { [self] i in
                guard let job = fallbacks[i] else { return }
                let remaining = timeout - cycleStart.duration(to: clock.now)
                guard remaining >= .milliseconds(100) else { return }
                let poll = start(job, timeout: remaining, deadline: deadline)
                startedFallbacks.withLockedValue { $0[i] = poll }
            }
        }
        guard var deliveries = try? await streams.take(
            plan.streams, timeout: timeout, deadline: deadline, silentAfter: config.pollInterval * 2 + timeout,
            maxBytes: config.maxResponseBytes,
            onUnsupported: onUnsupported).get() else { return [] }
        if let delay = CyclePhase.delay(late: deliveries.compactMap(\.lateBy), streamed: plan.streams.count, interval: config.pollInterval) {
            phaseDelay = delay
        }
        var late: [PollJob] = []
        // One time for what the take brought: it was all read in this one turn of the loop.
        let time = now()
        // Results are moved out of their delivery, not read from it: a delivery or a result read
        // in place (even through a buffer pointer) is copied to be passed on, a retain and a
        // release of each of the update's references, every line.
        for d in deliveries.indices {
            let i = deliveries[d].index
            if deliveries[d].unsupported {
                // An agent without streams (an older version): polled from now on, starting now.
                sites[i].transport = .poll
                logger.info("agent has no status stream; polling it", metadata: ["site": "\(sites[i].snapshot.config.id)"])
                if !plan.polls.contains(where: { $0.index == i }), startedFallbacks.withLockedValue({ $0[i] }) == nil {
                    late.append(CyclePlan.fallback(for: sites[i], at: i))
                }
                continue
            }
            while let taken = deliveries[d].results.popFirst() {
                receive(taken.result, at: i, time: time, wholeHistory: taken.wholeHistory, failed: &failed)
            }
        }
        var polls = startedFallbacks.withLockedValue { Array($0.values) }
        // Within what is left of this cycle's timeout (the streams may have waited it out on a
        // hung agent); with too little left they are polled from the next cycle.
        let remaining = timeout - cycleStart.duration(to: clock.now)
        if remaining >= .milliseconds(100) { polls += late.map { start($0, timeout: remaining, deadline: deadline) } }
        return polls
    }

    /// The answer to one poll.
    struct PollAnswer: Sendable {
        var index: Int
        var wholeHistory: Bool
        var result: Result<StatusUpdate, AgentClientError>
    }

    /// Starts a poll, which ends by `deadline` at the latest (as "timed out after `timeout`").
    /// Plain-HTTP agents go through the poll transport: one event loop, no task per request,
    /// decoding on the loop. TLS agents go through AsyncHTTPClient.
    private nonisolated func start(_ job: PollJob, timeout: Duration, deadline: CycleDeadline) -> EventLoopFuture<PollAnswer> {
        let client = self.client
        let loop = transport.eventLoop
        let decoder = self.decoder
        let i = job.index
        let wholeHistory = job.wholeHistory
        guard let endpoint = job.endpoint else {
            return loop.makeSucceededFuture(PollAnswer(index: i, wholeHistory: false, result: .failure(.badURL(job.site.url))))
        }
        if endpoint.tls {
            return Self.byDeadline(deadline, timeout: timeout, index: i, loop.makeFutureWithTask {
                // A plain do/catch on purpose: `do throws(AgentClientError)` returning from
                // a child task trapped ("Index out of range" in apply) in release builds with Swift 6.3.1.
                do {
                    return PollAnswer(index: i, wholeHistory: wholeHistory, result: .success(try await client.statusUpdate(
                        of: job.site, known: job.known, historyAfter: job.after, historyPoints: job.points, timeout: timeout,
                        keepAlive: job.keepAlive)))
                } catch let error as AgentClientError {
                    return PollAnswer(index: i, wholeHistory: false, result: .failure(error))
                } catch {
                    return PollAnswer(index: i, wholeHistory: false, result: .failure(.connection("\(error)")))
                }
            })
        }
        let path = AgentClient.updatePath(known: job.known, historyAfter: job.after, historyPoints: job.points)
        return transport.get(endpoint, path: path, timeout: timeout, deadline: deadline, maxBytes: config.maxResponseBytes,
                             keepAlive: job.keepAlive).map { answer in
            switch answer {
            case .success(let response):
                do {
                    return PollAnswer(index: i, wholeHistory: wholeHistory, result: .success(
                        try AgentClient.decodeUpdate(status: response.status, body: response.body, decoder: decoder.value)))
                } catch let error as AgentClientError {
                    return PollAnswer(index: i, wholeHistory: false, result: .failure(error))
                } catch {
                    return PollAnswer(index: i, wholeHistory: false, result: .failure(.invalidResponse("\(error)")))
                }
            case .failure(let error):
                return PollAnswer(index: i, wholeHistory: false, result: .failure(error))
            }
        }
    }

    /// `answer`, or "timed out" if the deadline passes first. AsyncHTTPClient keeps its own
    /// (wall-clock) timeout as well; whichever ends the poll first decides.
    private static func byDeadline(
        _ deadline: CycleDeadline, timeout: Duration, index: Int, _ answer: EventLoopFuture<PollAnswer>
    ) -> EventLoopFuture<PollAnswer> {
        let loop = deadline.eventLoop
        let promise = loop.makePromise(of: PollAnswer.self)
        loop.execute {
            let over = NIOLoopBoundBox(false, eventLoop: loop)
            let finish = { (result: PollAnswer) in
                guard !over.value else { return }
                over.value = true
                deadline.ended()
                promise.succeed(result)
            }
            deadline.begin { finish(PollAnswer(index: index, wholeHistory: false, result: .failure(.timedOut(milliseconds: timeout.wholeMilliseconds)))) }
            answer.hop(to: loop).assumeIsolated().whenSuccess { finish($0) }
        }
        return promise.futureResult
    }

    private func receive(_ result: Result<StatusUpdate, AgentClientError>, at i: Int, time: Date, wholeHistory: Bool, failed: inout Set<Int>) {
        switch result {
        case .success(let update):
            if update.status != nil || sites[i].snapshot.reachability != .ok { changedThisCycle.insert(i) }
            // The revision held, when the line's is the same (its string shared, so that is
            // seen without reading it), needs no second look.
            let revision = update.revision == sites[i].revision ? sites[i].revision : Self.usableRevision(update.revision)
            if !sites[i].received(update, revision: revision, at: time,
                                  wholeHistory: wholeHistory, pollInterval: config.pollInterval) {
                // "Unchanged" for a status we do not hold: ask for the whole status next time.
                sites[i].revision = nil
                fail(.invalidResponse("an update without the status it updates"), at: i, failed: &failed)
            }
        case .failure(let error):
            fail(error, at: i, failed: &failed)
        }
    }

    private func fail(_ error: AgentClientError, at i: Int, failed: inout Set<Int>) {
        guard failed.insert(i).inserted else { return }
        changedThisCycle.insert(i)
        let becameUnreachable = sites[i].failed(
            error, at: now(), instant: clock.now, unreachableAfter: config.unreachableAfter,
            pollInterval: config.pollInterval, maxBackoff: maxBackoff)
        if becameUnreachable {
            logger.warning("agent unreachable", metadata: ["site": "\(sites[i].snapshot.config.id)", "error": "\(error)"])
        }
    }

    /// A revision is sent back in a query string: letters, digits, `-` and `_`, at most 64.
    static func usableRevision(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= 64,
              text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 })
        else { return nil }
        return text
    }

    /// Polls every interval until cancelled (or `cycles` have run), handing each cycle's
    /// snapshot to `onCycle`. A cycle that cannot start on time because the previous one is
    /// still running is counted as missed.
    public func run(cycles: Int? = nil, onCycle: @Sendable (FleetSnapshot) async -> Void) async {
        let interval = config.pollInterval
        var next = clock.now
        var done = 0
        while !Task.isCancelled {
            let snap = await pollOnce()
            await onCycle(snap)
            done += 1
            if let cycles, done >= cycles { return }
            next = next.advanced(by: interval + phaseDelay)
            phaseDelay = .zero
            let now = clock.now
            while next < now {
                next = next.advanced(by: interval)
                health.missedCycles += 1
            }
            do { try await clock.sleep(until: next, tolerance: nil) } catch { return }
        }
    }
}
