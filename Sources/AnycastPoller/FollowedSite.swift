import AnycastCore
import Clocks
import Foundation

/// One site as the poller follows it: everything the poller keeps about a site, in one value.
/// (A stream's open connection belongs to the event loop; `transport` says whether there is one.)
struct FollowedSite: Sendable {
    enum Transport: Sendable, Equatable {
        /// Followed over a status stream.
        case stream
        /// Polled each cycle: the poller does not stream, the agent refused streams (an older
        /// agent), or it is an https agent and no TLS context could be made for streams.
        case poll
    }

    /// What the dashboard is shown: config, last status, reachability, rate history, last error.
    var snapshot: SiteSnapshot
    /// Where the agent is; nil for a URL that cannot be used.
    let endpoint: AgentEndpoint?
    var transport: Transport
    /// Not polled before this (back-off after repeated failures); nil: every cycle.
    var nextAttempt: AnyClock<Duration>.Instant?
    /// The agent's revision of its slow-changing status, as last received.
    var revision: String?
    /// Whether the whole history window has arrived.
    var historyLoaded = false

    init(config: SiteConfig, endpoint: AgentEndpoint?, streaming: Bool, streamsTLS: Bool) {
        snapshot = SiteSnapshot(config: config)
        self.endpoint = endpoint
        let streamable = endpoint.map { !$0.tls || streamsTLS } ?? false
        transport = streaming && streamable ? .stream : .poll
    }

    /// History points to ask for with the whole window.
    var wholeWindow: Int { min(snapshot.history.capacity, RateHistory.defaultCapacity) }

    /// An answer arrived: shows it, and clears failures and back-off.
    mutating func received(_ status: SiteStatus, revision: String?, at now: Date, wholeHistory: Bool, pollInterval: Duration) {
        let restarted = snapshot.status.map { $0.agent.startedAt != status.agent.startedAt } ?? false
        if restarted { snapshot.lastCounter = nil }
        snapshot.status = status
        counted(points: status.traffic.history, revision: revision, at: now, wholeHistory: wholeHistory, pollInterval: pollInterval)
    }

    /// An update arrived: shows it, and clears failures and back-off. An update without a
    /// status changes the figures of the one held, in place (copying the whole status for
    /// them was most of what a site cost each second). False when it updates a status not
    /// held.
    mutating func received(_ update: StatusUpdate, revision: String?, at now: Date, wholeHistory: Bool, pollInterval: Duration) -> Bool {
        guard update.status == nil else {
            guard let status = update.applied(to: nil) else { return false }
            received(status, revision: revision, at: now, wholeHistory: wholeHistory, pollInterval: pollInterval)
            return true
        }
        // The figures go beside the status held, which the fleet's last snapshot shares.
        guard snapshot.applyFigures(of: update) else { return false }
        counted(points: update.history, revision: revision, at: now, wholeHistory: wholeHistory, pollInterval: pollInterval)
        return true
    }

    /// The rates, the history and the site's health after the status held was brought up to
    /// date; `points` are the answer's new points of history.
    private mutating func counted(points: [RatePoint], revision: String?, at now: Date, wholeHistory: Bool, pollInterval: Duration) {
        self.revision = revision
        // Only the figures are read: taking the status, or its traffic with the rcode
        // counters, out would make it.
        guard let (qps, queriesTotal, sampledAt) = snapshot.trafficFigures else { return }
        if wholeHistory {
            snapshot.history.backfill(points)
            historyLoaded = true
        } else {
            snapshot.history.merge(points)
        }
        if let total = queriesTotal, let at = sampledAt {
            let sample = CounterSample(value: total, time: at)
            let maxGap = max(3, 3 * pollInterval.inSeconds)
            let rate = CounterRate.between(snapshot.lastCounter, sample, maxGap: maxGap)
            if points.isEmpty, let r = rate.perSecond, !rate.spansGap {
                snapshot.history.append(RatePoint(t: at, qps: r))  // agents without a history
            }
            snapshot.qps = qps ?? rate.perSecond
            snapshot.lastCounter = sample
        } else {
            snapshot.qps = qps
        }
        snapshot.reachability = .ok
        snapshot.lastAttempt = now
        snapshot.lastSuccess = now
        snapshot.consecutiveFailures = 0
        snapshot.lastError = nil
        nextAttempt = nil
    }

    /// A poll or stream failed. After `unreachableAfter` failures in a row the site is
    /// unreachable and retried with an exponential back-off (from the poll interval, capped at
    /// `maxBackoff`); before that it is stale (or still pending). Returns whether it has just
    /// become unreachable.
    @discardableResult
    mutating func failed(
        _ error: AgentClientError, at now: Date, instant: AnyClock<Duration>.Instant,
        unreachableAfter: Int, pollInterval: Duration, maxBackoff: Duration
    ) -> Bool {
        snapshot.lastAttempt = now
        snapshot.consecutiveFailures += 1
        snapshot.lastError = error.description
        let failures = snapshot.consecutiveFailures
        guard failures >= unreachableAfter else {
            snapshot.reachability = snapshot.status == nil ? .pending : .stale
            return false
        }
        let becameUnreachable = snapshot.reachability != .unreachable
        snapshot.reachability = .unreachable
        snapshot.qps = nil
        let steps = min(failures - unreachableAfter + 1, 16)
        let backoff = min(pollInterval.inSeconds * pow(2, Double(steps)), maxBackoff.inSeconds)
        nextAttempt = instant.advanced(by: .milliseconds(Int64((backoff * 1000).rounded())))
        return becameUnreachable
    }
}
