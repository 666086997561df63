import AnycastCore
import Clocks
import Foundation

/// One poll of one agent, with everything it needs, so it can start from the event loop too
/// (a stream-less agent's first poll).
struct PollJob: Sendable, Equatable {
    var index: Int
    var site: SiteConfig
    var endpoint: AgentEndpoint?
    /// The revision of the slow-changing status held; nil asks for the whole status.
    var known: String?
    /// Points newer than this; nil with `wholeHistory` or when none is held.
    var after: Date?
    /// Points asked for (the whole window), or 0 for only what is new.
    var points: Int
    /// The answer brings the whole history window.
    var wholeHistory: Bool
    /// The connection is kept for the next cycle (a polled agent), or closed after (a
    /// streamed agent's one-off history poll).
    var keepAlive: Bool
}

/// What one cycle does for each site, decided from the sites' records and the time alone.
struct CyclePlan: Sendable, Equatable {
    /// Sites followed over a stream (opened where none is open).
    var streams: [StatusStreamSet.Job] = []
    /// Sites polled this cycle: polled agents, and streamed ones owed their history window.
    var polls: [PollJob] = []
    /// Sites seen for the first time over a stream: polled at once if their stream is
    /// refused (an agent without streams), beside the streams still opening.
    var fallbacks: [Int: PollJob] = [:]
    /// Sites left out of this cycle: backing off after failures.
    var backingOff: [Int] = []

    /// The plan for `sites` at `now`. `force` ignores back-off ("poll now"). At most
    /// `historyLoadsPerCycle` sites are sent their whole history window in one cycle, so a
    /// large fleet shows at once and its histories follow over the next cycles.
    static func make(
        for sites: [FollowedSite], at now: AnyClock<Duration>.Instant, force: Bool, historyLoadsPerCycle: Int
    ) -> CyclePlan {
        sites.withUnsafeBufferPointer { make(for: $0, at: now, force: force, historyLoadsPerCycle: historyLoadsPerCycle) }
    }

    private static func make(
        for sites: UnsafeBufferPointer<FollowedSite>, at now: AnyClock<Duration>.Instant, force: Bool, historyLoadsPerCycle: Int
    ) -> CyclePlan {
        var plan = CyclePlan()
        var historyLoads = 0
        // Each site's fields are read in place, through the buffer: a site taken out of the
        // array (even as an argument), or its history read through the array's subscript, is
        // a copy of it, every cycle.
        for i in sites.indices {
            if !force, let due = sites[i].nextAttempt, due > now {
                plan.backingOff.append(i)
                continue
            }
            let wholeHistory = !sites[i].historyLoaded && historyLoads < historyLoadsPerCycle
            if wholeHistory { historyLoads += 1 }
            let newest = sites[i].snapshot.history.latest?.t
            guard sites[i].transport == .stream, let endpoint = sites[i].endpoint else {
                plan.polls.append(poll(sites[i], i, after: newest, wholeHistory: wholeHistory, keepAlive: true))
                continue
            }
            // A site seen for the first time asks its stream for the whole window; a site
            // already showing (its history left for want of room in earlier cycles) gets it by
            // one poll beside the stream.
            let first = !sites[i].snapshot.hasStatus
            let start = first && wholeHistory ? .points(sites[i].wholeWindow) : streamStart(after: newest)
            plan.streams.append(.init(index: i, endpoint: endpoint, start: start, wholeHistory: first && wholeHistory))
            if wholeHistory && !first { plan.polls.append(poll(sites[i], i, after: nil, wholeHistory: true, keepAlive: false)) }
            if first { plan.fallbacks[i] = fallback(for: sites[i], at: i) }
        }
        return plan
    }

    /// The poll of an agent found to have no streams: from now on it is polled.
    static func fallback(for site: FollowedSite, at i: Int) -> PollJob {
        poll(site, i, after: site.snapshot.history.latest?.t, wholeHistory: !site.historyLoaded, keepAlive: true)
    }

    private static func poll(_ site: FollowedSite, _ i: Int, after newest: Date?, wholeHistory: Bool, keepAlive: Bool) -> PollJob {
        PollJob(index: i, site: site.snapshot.config, endpoint: site.endpoint, known: site.revision,
                after: wholeHistory ? nil : newest, points: wholeHistory ? site.wholeWindow : 0,
                wholeHistory: wholeHistory, keepAlive: keepAlive)
    }

    /// A stream from the newest point held (or with the agent's newest point, which closes
    /// the gap to a whole-history poll made at the same moment).
    static func streamStart(after newest: Date?) -> StatusStreamSet.Start {
        newest.map { .after($0) } ?? .points(1)
    }
}
