import AnycastCore
import Foundation

/// NSD's counters over its UNIX control socket (`NSDCT1 stats_noreset`: reads without
/// resetting).
///
/// nsd.conf needs `remote-control: control-enable: yes` and `control-interface: /abs/path`
/// (a path: a UNIX socket without keys), and an NSD built with statistics (Debian's is).
///
/// - Queries: `num.queries` (all server processes; restarts at 0 with NSD).
/// - Rcodes: `num.rcode.NAME`, names as NSD prints them: NOERROR, FORMERR, SERVFAIL,
///   NXDOMAIN, NOTIMP (not Unbound's NOTIMPL), REFUSED, YXDOMAIN, further ones when non-zero.
/// - No latency: NSD does not measure it.
public struct NSDTrafficSource: TrafficSource {
    public let controlSocket: String
    public let timeout: Duration
    private let exchange: ControlSocketExchange

    public init(controlSocket: String, timeout: Duration = .seconds(2)) {
        self.controlSocket = controlSocket
        self.timeout = timeout
        self.exchange = ControlSocketExchange(socketPath: controlSocket, daemon: "nsd", timeout: timeout)
    }

    public func sample() async throws -> TrafficSample {
        let stats = try await exchange.stats("NSDCT1 stats_noreset")
        return try Self.sample(stats, time: Date(), socketPath: controlSocket)
    }

    /// The sample a parsed reply gives; throws when it has no `num.queries`.
    public static func sample(_ stats: StatsText, time: Date, socketPath: String = "") throws(BackendError) -> TrafficSample {
        guard let queries = stats.integer("num.queries") else {
            var detail = "\(stats.entries.count) readable lines"
            if stats.skippedLines > 0 {
                detail += ", \(stats.skippedLines) unreadable, e.g. \"\(stats.skippedSamples.first ?? "")\""
            }
            let place = socketPath.isEmpty ? "" : "control socket \(socketPath); "
            throw BackendError(source: "traffic", message: "nsd answered but without num.queries: is this nsd? (\(place)\(detail))")
        }
        return TrafficSample(queriesTotal: queries, rcodes: stats.integers(withPrefix: "num.rcode."), time: time)
    }
}
