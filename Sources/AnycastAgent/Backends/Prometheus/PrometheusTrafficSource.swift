import AnycastCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Reads a site's query counters from a Prometheus `/metrics` endpoint (dnsdist, CoreDNS,
/// PowerDNS, an exporter, ...).
///
/// Each `sample()` scrapes `url` once (text format 0.0.4, the whole exchange bounded by
/// `timeout`, the body by `maxBodyBytes`). `queriesTotal` is the sum of the `counter` series
/// that carry every pair in `labels`, rounded down. With `rcodeLabel`, `rcodes` adds those
/// series up per value of that label. With `latencyHistogram`, latency comes from the
/// histogram's growth between this scrape and the previous one (none on the first), as
/// `histogram_quantile` would estimate it. The text is parsed leniently: a bad line is skipped
/// unless the counter itself cannot be found. Errors are `BackendError(source: "traffic")`.
public struct PrometheusTrafficSource: TrafficSource {
    /// The unit of the latency histogram's bucket bounds.
    public enum LatencyUnit: String, Sendable, Hashable {
        case seconds, milliseconds, microseconds

        /// Milliseconds per unit.
        var milliseconds: Double {
            switch self {
            case .seconds: 1000
            case .milliseconds: 1
            case .microseconds: 0.001
            }
        }
    }

    public let url: String
    public let counter: String
    public let labels: [String: String]
    public let rcodeLabel: String?
    public let latencyHistogram: String?
    /// nil: from the metric's name suffix (`_seconds`, `_milliseconds`/`_ms`,
    /// `_microseconds`/`_us`), else its HELP text ("(in milliseconds)" for dnsdist), else
    /// seconds, Prometheus' base unit.
    public let latencyUnit: LatencyUnit?
    public let headers: [String: String]
    public let timeout: Duration
    /// Largest body accepted (bytes).
    public let maxBodyBytes: Int
    let http: HTTPClient
    /// The latency histogram at the previous scrape, shared by copies of this source.
    private let previous: PreviousHistogram

    public init(
        url: String, counter: String, labels: [String: String] = [:], rcodeLabel: String? = nil,
        latencyHistogram: String? = nil, latencyUnit: LatencyUnit? = nil, headers: [String: String] = [:],
        timeout: Duration = .seconds(2), maxBodyBytes: Int = 16 * 1024 * 1024, httpClient: HTTPClient = .shared
    ) {
        self.url = url
        self.counter = counter
        self.labels = labels
        self.rcodeLabel = rcodeLabel
        self.latencyHistogram = latencyHistogram
        self.latencyUnit = latencyUnit
        self.headers = headers
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.http = httpClient
        self.previous = PreviousHistogram()
    }

    public func sample() async throws -> TrafficSample {
        let body = try await scrape()
        let time = Date()
        let (exposition, errors) = PrometheusTextParser.parseLenient(body)
        return try reading(exposition, parseErrors: errors, time: time)
    }

    // MARK: - Reading the exposition

    func reading(_ exposition: PrometheusExposition, parseErrors: [PrometheusParseError], time: Date) throws(BackendError) -> TrafficSample {
        let series = exposition.samples(named: counter)
        guard !series.isEmpty else { throw missingCounter(exposition, parseErrors: parseErrors) }
        let matching = series.filter { $0.matches(labels) }
        guard !matching.isEmpty else {
            let seen = series.prefix(3).map(\.seriesDescription).joined(separator: ", ")
            throw fail("no \(counter) series has the labels \(Self.describe(labels)) (\(series.count) series, e.g. \(seen))")
        }
        let total = try sum(matching)

        var rcodes: [String: UInt64] = [:]
        if let rcodeLabel {
            let groups = Dictionary(grouping: matching.filter { $0.labels[rcodeLabel] != nil }) { $0.labels[rcodeLabel]! }
            for (rcode, group) in groups { rcodes[rcode] = try sum(group) }
        }
        return TrafficSample(queriesTotal: total, rcodes: rcodes, time: time, latency: latency(exposition))
    }

    /// The series' values added up and rounded down; a value that cannot be a counter fails.
    private func sum(_ series: [PrometheusSample]) throws(BackendError) -> UInt64 {
        var total = 0.0
        for s in series {
            guard s.value.isFinite, s.value >= 0 else {
                throw fail("\(s.seriesDescription) is \(s.value): a counter must be a finite number ≥ 0")
            }
            total += s.value
        }
        // 2^64: the first Double a UInt64 cannot hold.
        guard total < 18_446_744_073_709_551_616.0 else {
            throw fail("\(counter) adds up to \(total), more than a 64-bit counter holds")
        }
        return UInt64(total.rounded(.down))
    }

    /// Quantiles of the observations since the previous scrape; nil on the first scrape or
    /// when the histogram is missing (the counters are still worth having).
    private func latency(_ exposition: PrometheusExposition) -> LatencyStatus? {
        guard let latencyHistogram else { return nil }
        // Apply only the label filters the histogram's series know: a counter filter such as
        // proto="udp" must not hide a histogram that has no proto label.
        let bucketSeries = exposition.samples(named: latencyHistogram + "_bucket")
        let known = Set(bucketSeries.flatMap(\.labels.keys))
        let filter = labels.filter { known.contains($0.key) }
        guard let current = PrometheusHistogram(samples: bucketSeries, name: latencyHistogram, matching: filter) else { return nil }
        guard let before = previous.exchange(current) else { return nil }
        let delta = current.delta(since: before)
        let scale = (latencyUnit ?? Self.inferUnit(latencyHistogram, help: exposition.families[latencyHistogram]?.help)).milliseconds
        func ms(_ q: Double) -> Double? { delta.quantile(q).map { $0 * scale } }
        return LatencyStatus(p50Ms: ms(0.5), p95Ms: ms(0.95), p99Ms: ms(0.99), source: "prometheus")
    }

    static func inferUnit(_ name: String, help: String?) -> LatencyUnit {
        if name.hasSuffix("_seconds") { return .seconds }
        if name.hasSuffix("_milliseconds") || name.hasSuffix("_ms") { return .milliseconds }
        if name.hasSuffix("_microseconds") || name.hasSuffix("_us") { return .microseconds }
        let help = help?.lowercased() ?? ""
        if help.contains("microsecond") { return .microseconds }
        if help.contains("millisecond") { return .milliseconds }
        return .seconds
    }

    private func missingCounter(_ exposition: PrometheusExposition, parseErrors: [PrometheusParseError]) -> BackendError {
        let names = exposition.metricNames
        var message: String
        if names.isEmpty {
            message = "\(url) answered no Prometheus samples"
            if let first = parseErrors.first { message += " (\(parseErrors.count) unparsable lines; \(first))" }
            return fail(message)
        }
        message = "metric \(counter) not found at \(url) (\(names.count) metrics"
        let similar = Self.similarNames(to: counter, in: names)
        message += similar.isEmpty ? ", none similar)" : "; similar: \(similar.joined(separator: ", ")))"
        if let first = parseErrors.first {
            message += "; \(parseErrors.count) unparsable lines were skipped, first \(first)"
        }
        return fail(message)
    }

    /// Up to `limit` names close to `name`: containing it (or contained in it) first, then by
    /// edit distance.
    static func similarNames(to name: String, in names: [String], limit: Int = 5) -> [String] {
        let wanted = name.lowercased()
        let scored: [(name: String, contains: Bool, distance: Int)] = names.compactMap { candidate in
            let c = candidate.lowercased()
            let contains = c.contains(wanted) || wanted.contains(c)
            let distance = editDistance(Array(wanted.utf8), Array(c.utf8))
            let close = Double(distance) <= Double(max(wanted.utf8.count, c.utf8.count)) * 0.5
            return contains || close ? (candidate, contains, distance) : nil
        }
        return scored
            .sorted { ($0.contains ? 0 : 1, $0.distance, $0.name) < ($1.contains ? 0 : 1, $1.distance, $1.name) }
            .prefix(limit).map(\.name)
    }

    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }

    static func describe(_ labels: [String: String]) -> String {
        PrometheusSample(name: "", labels: labels, value: 0).seriesDescription
    }

    private func fail(_ message: String) -> BackendError {
        BackendError(source: "traffic", message: message)
    }

    // MARK: - HTTP

    /// The body of `GET url`, or a `BackendError` saying why not.
    private func scrape() async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "text/plain;version=0.0.4")
        request.headers.add(name: "User-Agent", value: "anycast-agent")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let http = self.http
        let prepared = request
        let cap = maxBodyBytes
        let limit = timeout
        let outcome: (status: HTTPResponseStatus, body: ByteBuffer)
        do {
            // AsyncHTTPClient's own deadline comes first: on a refused port it keeps retrying
            // until then and reports the refusal, which says more than "timed out". The
            // outer limit, half a second later (time for a loaded machine to report the
            // refusal first), bounds the whole exchange, body included: an exporter that
            // trickles its answer must not hold the agent much longer than one that sends
            // nothing.
            outcome = try await withTimeout(limit + .milliseconds(500), "scrape") {
                let response = try await http.execute(prepared, timeout: .milliseconds(Self.milliseconds(limit)))
                let body = try await response.body.collect(upTo: cap)
                return (response.status, body)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw fail(describe(error))
        }
        guard (200..<300).contains(outcome.status.code) else {
            var message = "GET \(url) answered HTTP \(outcome.status.code) \(outcome.status.reasonPhrase)"
            if outcome.status.code == 401 || outcome.status.code == 403 { message += " (check the API key or headers)" }
            let firstLine = String(buffer: outcome.body).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let trimmed = firstLine.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { message += ": " + (trimmed.count > 120 ? trimmed.prefix(120) + "…" : trimmed) }
            throw fail(message)
        }
        return String(buffer: outcome.body)
    }

    private func describe(_ error: any Error) -> String {
        let ms = Self.milliseconds(timeout)
        if error is TimeoutError { return "no answer from \(url) within \(ms) ms" }
        if error is NIOTooManyBytesError { return "the answer from \(url) is larger than \(maxBodyBytes) bytes" }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout: return "no answer from \(url) within \(ms) ms"
            case .connectTimeout: return "cannot connect to \(url): connect timed out"
            case .remoteConnectionClosed: return "\(url) closed the connection before answering"
            case .invalidURL, .emptyHost, .emptyScheme: return "invalid metrics URL \(url) (\(e))"
            default: return "cannot scrape \(url): \(e)"
            }
        }
        let text = String(describing: error)
        if text.contains("refused") || text.contains("ECONNREFUSED") { return "cannot connect to \(url): connection refused" }
        return "cannot scrape \(url): " + (text.count > 160 ? String(text.prefix(160)) + "…" : text)
    }

    static func milliseconds(_ d: Duration) -> Int64 {
        d.wholeMilliseconds
    }
}

/// The previous scrape's latency histogram, swapped atomically.
private final class PreviousHistogram: Sendable {
    private let value = Mutex<PrometheusHistogram?>(nil)

    /// Stores `current` and answers what was there.
    func exchange(_ current: PrometheusHistogram) -> PrometheusHistogram? {
        value.withLock { stored in
            let before = stored
            stored = current
            return before
        }
    }
}
