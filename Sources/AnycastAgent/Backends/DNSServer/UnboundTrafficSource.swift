import AnycastCore
import Foundation
import Synchronization

/// Unbound's counters over its UNIX control socket (`UBCT1 stats_noreset`: reads without
/// resetting, so unbound-control and other readers are not disturbed).
///
/// unbound.conf needs `remote-control: control-enable: yes` and
/// `control-interface: /abs/path.ctl` (a path: no certificates), and for rcodes and latency
/// `server: extended-statistics: yes`; without it only the query count is there.
///
/// - Queries: `total.num.queries` (all threads). It restarts at 0 with Unbound; the agent
///   computes rates from deltas and copes with that.
/// - Rcodes: `num.answer.rcode.NAME`, names as Unbound prints them (NOERROR, FORMERR,
///   SERVFAIL, NXDOMAIN, NOTIMPL, REFUSED, further ones only when non-zero). Unbound's
///   `num.answer.rcode.nodata` is left out: it is not an rcode but the NOERROR answers
///   without data, already counted in NOERROR.
/// - Latency: p50/p95/p99 from the `histogram.*` buckets counted since the previous sample
///   (interpolated within buckets, see `LatencyHistogram`), source `unbound-histogram`.
///   **Unbound's histogram covers recursion only (cache misses: the time spent resolving
///   upstream); cache hits, local data and refused queries are not in it**, so these are the
///   slow answers' latency, not every client's. The first sample has no latency, nor does a
///   sample after a counter reset (Unbound restarted) or after a failed read; a sample whose
///   interval saw no cache miss has the source but no quantiles.
public struct UnboundTrafficSource: TrafficSource {
    public static let latencySource = "unbound-histogram"

    public let controlSocket: String
    public let timeout: Duration
    private let exchange: ControlSocketExchange
    private let previous: PreviousCounters

    public init(controlSocket: String, timeout: Duration = .seconds(2)) {
        self.controlSocket = controlSocket
        self.timeout = timeout
        self.exchange = ControlSocketExchange(socketPath: controlSocket, daemon: "unbound", timeout: timeout)
        self.previous = PreviousCounters()
    }

    public func sample() async throws -> TrafficSample {
        let counters: Counters
        do {
            counters = try Counters(try await exchange.stats("UBCT1 stats_noreset"), socketPath: controlSocket)
        } catch {
            previous.replace(with: nil)
            throw error
        }
        let time = Date()
        let before = previous.replace(with: counters)
        return TrafficSample(queriesTotal: counters.queriesTotal, rcodes: counters.rcodes, time: time,
                             latency: counters.latency(since: before))
    }

    /// What one `stats_noreset` reply says.
    public struct Counters: Sendable, Hashable {
        public var queriesTotal: UInt64
        public var rcodes: [String: UInt64]
        /// Nil without `extended-statistics: yes`.
        public var histogram: LatencyHistogram?
        /// `time.up`, seconds since Unbound started (to see restarts).
        public var uptime: Double?

        public init(queriesTotal: UInt64, rcodes: [String: UInt64], histogram: LatencyHistogram?, uptime: Double?) {
            self.queriesTotal = queriesTotal
            self.rcodes = rcodes
            self.histogram = histogram
            self.uptime = uptime
        }

        /// Reads a parsed reply; throws when it has no `total.num.queries`.
        public init(_ stats: StatsText, socketPath: String = "") throws(BackendError) {
            guard let queries = stats.integer("total.num.queries") else {
                var detail = "\(stats.entries.count) readable lines"
                if stats.skippedLines > 0 {
                    detail += ", \(stats.skippedLines) unreadable, e.g. \"\(stats.skippedSamples.first ?? "")\""
                }
                let place = socketPath.isEmpty ? "" : "control socket \(socketPath); "
                throw BackendError(source: "traffic",
                                   message: "unbound answered but without total.num.queries: is this unbound? (\(place)\(detail))")
            }
            var rcodes = stats.integers(withPrefix: "num.answer.rcode.")
            rcodes["nodata"] = nil
            self.init(queriesTotal: queries, rcodes: rcodes, histogram: LatencyHistogram.unbound(stats),
                      uptime: stats.double("time.up"))
        }

        /// Latency over the interval since `previous` (see the type's documentation).
        public func latency(since previous: Counters?) -> LatencyStatus? {
            guard let previous, let now = histogram, let before = previous.histogram,
                  queriesTotal >= previous.queriesTotal,
                  (uptime ?? 0) >= (previous.uptime ?? 0),
                  let delta = now.delta(since: before)
            else { return nil }
            func ms(_ q: Double) -> Double? { delta.quantile(q).map { $0 * 1000 } }
            return LatencyStatus(p50Ms: ms(0.5), p95Ms: ms(0.95), p99Ms: ms(0.99), source: UnboundTrafficSource.latencySource)
        }
    }
}

/// The previous sample's counters, shared by the copies of a source.
final class PreviousCounters: Sendable {
    private let value = Mutex<UnboundTrafficSource.Counters?>(nil)

    /// Stores `new` and returns what was there.
    @discardableResult
    func replace(with new: UnboundTrafficSource.Counters?) -> UnboundTrafficSource.Counters? {
        value.withLock { old in
            defer { old = new }
            return old
        }
    }
}
