import AnycastCore
import Foundation
import NIOCore

/// What the agent answers about its site: `/v1/status` (built, and cached encoded), the
/// poller's compact update, and the lines of a status stream.
extension SiteAgent {
    /// The site snapshot. `historyAfter` limits the history to newer points (incremental polls);
    /// otherwise the newest `historyPoints` are returned.
    public func status(historyAfter: Date? = nil, historyPoints: Int = SiteAgent.defaultHistoryPoints) -> SiteStatus {
        let serviceStates = services.map { def -> ServiceStatus in
            let intent = intents[def.name] ?? .announce
            let obs = routeError == nil ? observation?.services[def.name] : nil
            return ServiceStatus(
                name: def.name, prefixes: def.prefixes, desired: intent.desired,
                observed: obs?.observed ?? .unknown, drain: intent.drain, peers: obs?.peers ?? [],
                health: healthCheck?.state, deprefer: def.deprefer.map(DepreferSummary.init),
                depreferred: def.deprefer == nil ? nil : obs?.depreferred, withdrawHeld: coordination.held[def.name])
        }
        // Times travel with millisecond precision, so a point the caller already holds may
        // come back a fraction of a millisecond later than `historyAfter`: skip those.
        let points = historyAfter.map { traffic.history.points(after: $0.addingTimeInterval(0.001)) } ?? traffic.history.recent(historyPoints)
        let trafficStatus = TrafficStatus(
            qps: trafficError == nil ? traffic.qps : nil, queriesTotal: traffic.lastSample?.queriesTotal,
            rcodes: RcodeCounts(traffic.lastSample?.rcodes ?? [:]), sampledAt: traffic.lastSample?.time, history: points,
            rcodeRates: trafficError == nil ? traffic.rcodeRates : [:])
        return SiteStatus(
            site: identity,
            agent: AgentInfo(version: version, startedAt: startedAt, now: now(), daemons: daemons.isEmpty ? nil : daemons, router: router,
                             maxLease: policy.maxLease.map(\.inSeconds), requireLease: policy.requireLease ? true : nil,
                             drainLifecycle: true),
            services: serviceStates,
            peers: routeError == nil ? observation?.peers ?? [] : [],
            traffic: trafficStatus,
            latency: latency,
            health: healthCheck.map { [$0.status] } ?? [],
            errors: [stateError, routeError, trafficError, probeError].compactMap { $0 },
            coordination: coordinationStatus())
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
        let figures = full.traffic
        let latency = full.latency
        full.traffic = .empty
        full.latency = LatencyStatus(p50Ms: nil, p95Ms: nil, p99Ms: nil, source: latency.source)
        full.agent.now = full.agent.startedAt
        let revision = revision(of: full)
        var carried: SiteStatus?
        let time = now()
        if known != revision {
            full.agent.now = time
            full.traffic = figures
            full.traffic.history = []
            full.latency = latency
            carried = full
        }
        return StatusUpdate(
            revision: revision, now: time, qps: figures.qps, queriesTotal: figures.queriesTotal,
            rcodes: figures.rcodes, sampledAt: figures.sampledAt, latency: latency, history: history, status: carried)
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
        return (update, StatusStreamCursor(known: update.revision, historyAfter: traffic.history.latest?.t ?? cursor.historyAfter))
    }

    /// A label of `slow` (the status without its fast-changing figures): FNV-1a over its JSON,
    /// recomputed only when it differs from the last one labelled. In base 36, at most 13
    /// characters: a Swift string holds that inline, and the dashboard keeps and compares one
    /// for each line of every site (in hex, 16 characters lived on the heap, out of the cache
    /// by the next line).
    func revision(of slow: SiteStatus) -> String {
        if let cached = revisionCache, cached.slow == slow { return cached.revision }
        let bytes = (try? AgentJSON.encoder().encode(slow)) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let label = String(hash, radix: 36)
        revisionCache = (slow, label)
        return label
    }
}
