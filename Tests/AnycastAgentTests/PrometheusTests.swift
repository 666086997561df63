import AnycastAgent
import AnycastCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing

/// Fixtures are real `/metrics` captures (scripts/lab/capture-prometheus-fixtures.sh, see
/// Fixtures/prometheus/README.md): dnsdist 1.7.3 twice (before and after a second batch of
/// queries) and Prometheus 2.42's own exposition.
func prometheusFixture(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/prometheus/\(name).txt")
    return try String(contentsOf: url, encoding: .utf8)
}

@Suite struct PrometheusParserTests {
    // MARK: - Real captures

    @Test func dnsdistCaptureParsesStrictly() throws {
        let exposition = try PrometheusTextParser.parse(try prometheusFixture("dnsdist-metrics-1"))
        // 382 lines: 122 HELP, 122 TYPE, 138 samples of 110 metrics.
        #expect(exposition.samples.count == 138)
        #expect(exposition.metricNames.count == 110)

        let queries = exposition.samples(named: "dnsdist_queries")
        #expect(queries == [PrometheusSample(name: "dnsdist_queries", value: 41)])
        #expect(exposition.families["dnsdist_queries"] == PrometheusFamily(name: "dnsdist_queries", type: .counter, help: "Number of received queries"))
        #expect(exposition.families["dnsdist_latency_avg100"]?.type == .gauge)

        // Per-frontend counters carry labels; dnsdist emits no timestamps.
        let frontend = exposition.samples(named: "dnsdist_frontend_queries")
        #expect(frontend.count == 2)
        #expect(frontend.first { $0.labels["proto"] == "UDP" }?.value == 38)
        #expect(frontend.first { $0.labels["proto"] == "TCP" }?.labels == ["frontend": "127.0.0.1:32909", "proto": "TCP", "thread": "0"])
        #expect(exposition.samples.allSatisfy { $0.timestampMs == nil })
        #expect(exposition.samples(named: "dnsdist_info").first?.labels == ["version": "1.7.3"])

        // The latency histogram: milliseconds, buckets 1, 10, 50, 100, 1000, +Inf.
        let latency = try #require(exposition.histogram("dnsdist_latency"))
        #expect(latency.buckets.map(\.upperBound) == [1, 10, 50, 100, 1000, .infinity])
        #expect(latency.buckets.map(\.cumulativeCount) == [37, 38, 38, 38, 38, 38])
        #expect(latency.count == 38)
        #expect(latency.sum == 1)
        #expect(exposition.families["dnsdist_latency"]?.type == .histogram)
        #expect(exposition.families["dnsdist_latency"]?.help == "Histogram of responses by latency (in milliseconds)")
        #expect(exposition.family(ofSample: "dnsdist_latency_bucket")?.name == "dnsdist_latency")
        #expect(exposition.family(ofSample: "dnsdist_latency_count")?.name == "dnsdist_latency")

        // dnsdist 1.7.3's TYPE line misspells the metric: the real one stays untyped.
        #expect(exposition.families["dnsdist_server_tlsersumptions"]?.type == .counter)
        #expect(exposition.families["dnsdist_server_tlsresumptions"]?.type == .untyped)
        #expect(exposition.families["dnsdist_server_tlsresumptions"]?.help == "The number of times a TLS session has been resumed")
        #expect(exposition.samples(named: "dnsdist_server_tlsresumptions").count == 2)
    }

    @Test func prometheusSelfCaptureParsesStrictly() throws {
        let exposition = try PrometheusTextParser.parse(try prometheusFixture("prometheus-self"))
        #expect(exposition.samples.count == 297)
        #expect(exposition.families.count == 156)
        #expect(exposition.families["go_gc_duration_seconds"]?.type == .summary)
        #expect(exposition.family(ofSample: "go_gc_duration_seconds_count")?.type == .summary)
        // Exponents and NaN, as Go formats them.
        #expect(exposition.samples(named: "go_gc_duration_seconds").first { $0.labels["quantile"] == "0" }?.value == 6.9931e-05)
        let nan = exposition.samples(named: "prometheus_engine_query_duration_seconds").first { $0.labels["slice"] == "inner_eval" }
        #expect(nan?.value.isNaN == true)
        // A labelled histogram: one handler's series only.
        let ready = try #require(exposition.histogram("prometheus_http_request_duration_seconds", matching: ["handler": "/-/ready"]))
        #expect(ready.count == 3)
        #expect(ready.buckets.count == 10)
        #expect(ready.sum == 0.000388796)
        let sizes = try #require(exposition.histogram("prometheus_http_response_size_bytes", matching: ["handler": "/-/ready"]))
        #expect(sizes.buckets.map(\.upperBound).contains(1e9))
    }

    @Test func lenientParseOfRealCaptureHasNoErrors() throws {
        for name in ["dnsdist-metrics-1", "dnsdist-metrics-2", "prometheus-self"] {
            let (exposition, errors) = PrometheusTextParser.parseLenient(try prometheusFixture(name))
            #expect(errors.isEmpty, "\(name): \(errors)")
            #expect(!exposition.samples.isEmpty)
        }
    }

    // MARK: - Syntax

    @Test func labelValueEscapes() throws {
        let text = #"m{path="C:\\dir",quote="say \"hi\"",multi="a\nb",plain="x y,z}"} 1"# + "\n"
        let sample = try #require(try PrometheusTextParser.parse(text).samples.first)
        #expect(sample.labels == ["path": #"C:\dir"#, "quote": #"say "hi""#, "multi": "a\nb", "plain": "x y,z}"])
        #expect(sample.seriesDescription == #"m{multi="a\nb",path="C:\\dir",plain="x y,z}",quote="say \"hi\""}"#)
    }

    @Test func specialValuesAndExponents() throws {
        let text = """
            a NaN
            b +Inf
            c -Inf
            d 1.5e-3
            e -2E+10
            f 0
            g 0x10
            """
        let values = try PrometheusTextParser.parse(text).samples.map(\.value)
        #expect(values[0].isNaN)
        #expect(Array(values.dropFirst()) == [.infinity, -.infinity, 0.0015, -2e10, 0, 16])
    }

    @Test func timestamps() throws {
        let samples = try PrometheusTextParser.parse("a 1 1700000000123\nb{x=\"y\"} 2 -5\nc 3\n").samples
        #expect(samples.map(\.timestampMs) == [1_700_000_000_123, -5, nil])
        #expect(throws: PrometheusParseError(line: 1, reason: #"invalid timestamp "1.5" for a"#)) {
            try PrometheusTextParser.parse("a 1 1.5")
        }
        #expect(throws: PrometheusParseError.self) { try PrometheusTextParser.parse("a 1 2 3") }
    }

    @Test func layoutCommentsCRLFAndColons() throws {
        let text = "# HELP job:requests:rate5m Requests \\\\ per \\n second\r\n"
            + "# TYPE job:requests:rate5m gauge\r\n"
            + "\r\n"
            + "   \t\r\n"
            + "# just a comment\r\n"
            + "#no space comment\r\n"
            + "# TYPE odd_one stateset\r\n"
            + "job:requests:rate5m{job=\"dns\",} 12.5\r\n"
            + "  spaced\t{ a = \"1\" , b=\"2\" }\t7  \r\n"
            + "empty{} 3\r\n"
            + "odd_one 1"
        let exposition = try PrometheusTextParser.parse(text)
        #expect(exposition.samples == [
            PrometheusSample(name: "job:requests:rate5m", labels: ["job": "dns"], value: 12.5),
            PrometheusSample(name: "spaced", labels: ["a": "1", "b": "2"], value: 7),
            PrometheusSample(name: "empty", value: 3),
            PrometheusSample(name: "odd_one", value: 1),
        ])
        #expect(exposition.families["job:requests:rate5m"] == PrometheusFamily(name: "job:requests:rate5m", type: .gauge, help: "Requests \\ per \n second"))
        #expect(exposition.families["odd_one"]?.type == .untyped) // unknown type word
        #expect(PrometheusMetricType(typeWord: "summary") == .summary)
    }

    @Test func garbageLinesHaveLineNumbers() throws {
        let text = """
            # TYPE ok counter
            ok 1
            this is not a sample
            ok2{a="1"} 2
            {a="1"} 3
            ok3 twelve
            m{a="1" 4
            ok4 4
            """
        #expect(throws: PrometheusParseError(line: 3, reason: #"invalid value "is" for this"#)) {
            try PrometheusTextParser.parse(text)
        }
        let (exposition, errors) = PrometheusTextParser.parseLenient(text)
        #expect(exposition.samples.map(\.name) == ["ok", "ok2", "ok4"])
        #expect(errors.map(\.line) == [3, 5, 6, 7])
        #expect(errors[1].reason.hasPrefix("expected a metric name"))
        #expect(errors[2].description == #"line 6: invalid value "twelve" for ok3"#)
        #expect(errors[3].reason.contains("expected , or }"))
    }

    @Test func malformedLabels() {
        func reason(_ text: String) -> String? {
            do {
                _ = try PrometheusTextParser.parse(text)
                return nil
            } catch {
                return error.reason
            }
        }
        #expect(reason(#"m{a="1",a="2"} 1"#) == "duplicate label a in m")
        #expect(reason(#"m{a="1\t"} 1"#) == #"invalid escape \t in the value of label a of m"#)
        #expect(reason(#"m{a="1} 1"#) == "unterminated value of label a of m")
        #expect(reason(#"m{a=1} 1"#) == "expected \" to start the value of label a of m")
        #expect(reason(#"m{1a="x"} 1"#)?.hasPrefix("expected a label name") == true)
        #expect(reason(#"m{a="1"}"#) == "m has no value")
        #expect(reason("m") == "m has no value")
        #expect(reason("m-x 1")?.hasPrefix("invalid character in metric name") == true)
        #expect(reason("# TYPE m counter\n# TYPE m gauge") == "second # TYPE line for m")
        #expect(reason("# HELP") == "# HELP without a metric name")
        #expect(reason("m nan(0x1)") != nil)
    }

    // MARK: - Histogram quantiles (synthetic)

    /// A synthetic histogram: 10 observations ≤ 0.1, 50 in (0.1, 0.5], 30 in (0.5, 1], 10 above 1.
    static let synthetic = PrometheusHistogram(buckets: [
        .init(upperBound: 0.5, cumulativeCount: 60),
        .init(upperBound: .infinity, cumulativeCount: 100),
        .init(upperBound: 0.1, cumulativeCount: 10),
        .init(upperBound: 1, cumulativeCount: 90),
    ], sum: 55)

    @Test func quantilesInterpolateLinearlyWithinTheBucket() throws {
        let h = Self.synthetic
        #expect(h.buckets.map(\.upperBound) == [0.1, 0.5, 1, .infinity])
        #expect(h.count == 100)
        // rank 50 is the 40th of 50 observations in (0.1, 0.5]: 0.1 + 0.4 × 40/50.
        #expect(try #require(h.quantile(0.5)) == 0.1 + 0.4 * 0.8)
        // The lowest bucket starts at 0.
        #expect(h.quantile(0.05) == 0.05)
        #expect(h.quantile(0.1) == 0.1)
        #expect(h.quantile(0.75) == 0.75)
        #expect(h.quantile(0.9) == 1)
        // In the +Inf bucket: the highest finite bound.
        #expect(h.quantile(0.95) == 1)
        #expect(h.quantile(0.99) == 1)
        #expect(h.quantile(1) == 1)
        #expect(h.quantile(0) == 0)
        #expect(h.quantile(-0.1) == -.infinity)
        #expect(h.quantile(1.1) == .infinity)
        #expect(h.quantile(.nan) == nil)
    }

    @Test func quantileEdgeCases() {
        // No +Inf bucket, too few buckets, or nothing observed: no answer (NaN in Prometheus).
        #expect(PrometheusHistogram(buckets: [.init(upperBound: 1, cumulativeCount: 5)]).quantile(0.5) == nil)
        #expect(PrometheusHistogram(buckets: [.init(upperBound: .infinity, cumulativeCount: 5)]).quantile(0.5) == nil)
        #expect(PrometheusHistogram(buckets: [.init(upperBound: 1, cumulativeCount: 0), .init(upperBound: .infinity, cumulativeCount: 0)]).quantile(0.5) == nil)
        // A non-monotonic scrape is made monotonic before ranking.
        let bumpy = PrometheusHistogram(buckets: [
            .init(upperBound: 1, cumulativeCount: 10), .init(upperBound: 2, cumulativeCount: 8),
            .init(upperBound: 4, cumulativeCount: 20), .init(upperBound: .infinity, cumulativeCount: 20),
        ])
        #expect(bumpy.quantile(0.5) == 1)
        #expect(bumpy.quantile(0.75) == 2 + 2 * 0.5)
        // Negative bounds: the lowest bucket has no lower bound to interpolate from.
        let negative = PrometheusHistogram(buckets: [.init(upperBound: -1, cumulativeCount: 4), .init(upperBound: .infinity, cumulativeCount: 4)])
        #expect(negative.quantile(0.5) == -1)
    }

    @Test func histogramFromSamplesAddsMatchingSeries() throws {
        let text = """
            # TYPE lat_seconds histogram
            lat_seconds_bucket{server="a",le="0.01"} 1
            lat_seconds_bucket{server="a",le="0.1"} 3
            lat_seconds_bucket{server="a",le="+Inf"} 4
            lat_seconds_bucket{server="b",le="0.01"} 5
            lat_seconds_bucket{server="b",le="0.1"} 5
            lat_seconds_bucket{server="b",le="+Inf"} 6
            lat_seconds_bucket{server="b",le="bogus"} 6
            lat_seconds_sum{server="a"} 0.2
            lat_seconds_sum{server="b"} 0.3
            """
        let exposition = try PrometheusTextParser.parse(text)
        let all = try #require(exposition.histogram("lat_seconds"))
        #expect(all.buckets.map(\.cumulativeCount) == [6, 8, 10])
        #expect(all.sum == 0.5)
        #expect(try #require(exposition.histogram("lat_seconds", matching: ["server": "a"])).buckets.map(\.cumulativeCount) == [1, 3, 4])
        #expect(exposition.histogram("lat_seconds", matching: ["server": "c"]) == nil)
        #expect(exposition.histogram("nope") == nil)
    }

    @Test func histogramDeltaAndReset() {
        let before = PrometheusHistogram(buckets: [
            .init(upperBound: 1, cumulativeCount: 10), .init(upperBound: 10, cumulativeCount: 12), .init(upperBound: .infinity, cumulativeCount: 12),
        ], sum: 20)
        let after = PrometheusHistogram(buckets: [
            .init(upperBound: 1, cumulativeCount: 11), .init(upperBound: 10, cumulativeCount: 22), .init(upperBound: .infinity, cumulativeCount: 23),
        ], sum: 90)
        let delta = after.delta(since: before)
        #expect(delta.buckets.map(\.cumulativeCount) == [1, 10, 11])
        #expect(delta.sum == 70)
        // The exporter restarted: the counts went down, so all of `before` counts as new.
        #expect(before.delta(since: after) == before)
        // Bucket layout changed: the same.
        let relaid = PrometheusHistogram(buckets: [.init(upperBound: 5, cumulativeCount: 30), .init(upperBound: .infinity, cumulativeCount: 30)])
        #expect(relaid.delta(since: before) == relaid)
    }
}

// MARK: - The traffic source against a real HTTP server

@Suite struct PrometheusTrafficSourceTests {
    static let logger: Logger = {
        var l = Logger(label: "prometheus-test-server")
        l.logLevel = .critical
        return l
    }()

    /// Answers the i-th request to `/seq` with the i-th body (the last one afterwards).
    final class BodySequence: Sendable {
        let bodies: [String]
        let served = Mutex(0)
        init(_ bodies: [String]) { self.bodies = bodies }
        func next() -> String {
            served.withLock { n in
                defer { n += 1 }
                return bodies[min(n, bodies.count - 1)]
            }
        }
    }

    /// What the last `/auth` request carried.
    final class Seen: Sendable {
        let accept = Mutex<String?>(nil)
    }

    static func text(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Runs `body` with the port of a real Hummingbird server on 127.0.0.1 serving `/metrics`
    /// (the first dnsdist capture), `/seq` (`sequence`), `/labelled` (`labelled`), `/auth`
    /// (the capture with `X-API-Key: k`, else 401), `/trickle` (a byte every 50 ms) and
    /// `/fail` (500).
    func withServer(sequence: [String] = [], labelled: String = "", seen: Seen = Seen(),
                    _ body: (Int) async throws -> Void) async throws {
        let dnsdist = try prometheusFixture("dnsdist-metrics-1")
        let seq = BodySequence(sequence.isEmpty ? [dnsdist] : sequence)
        let router = Router()
        router.get("/metrics") { _, _ in Self.text(dnsdist) }
        router.get("/seq") { _, _ in Self.text(seq.next()) }
        router.get("/labelled") { _, _ in Self.text(labelled) }
        router.get("/auth") { request, _ -> Response in
            seen.accept.withLock { $0 = request.headers[.accept] }
            guard request.headers[HTTPField.Name("X-API-Key")!] == "k" else {
                return Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: "Unauthorized\n")))
            }
            return Self.text(dnsdist)
        }
        router.get("/trickle") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init { writer in
                for _ in 0..<100 {
                    try await writer.write(ByteBuffer(string: "#"))
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await writer.finish(nil)
            })
        }
        router.get("/fail") { _, _ in
            Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "exporter exploded\nsecond line\n")))
        }
        let port = Mutex<Int?>(nil)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } },
                              logger: Self.logger)
        let group = ServiceGroup(services: [app], logger: Self.logger)
        let task = Task { try await group.run() }
        var bound: Int?
        for _ in 0..<500 {
            bound = port.withLock { $0 }
            if bound != nil { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        do {
            try await body(try #require(bound))
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            throw error
        }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    func traffic(_ error: any Error) -> String {
        guard let e = error as? BackendError else { return "not a BackendError: \(error)" }
        #expect(e.source == "traffic")
        return e.message
    }

    func failure(_ source: PrometheusTrafficSource) async -> String {
        do {
            let sample = try await source.sample()
            return "no error: \(sample)"
        } catch {
            return traffic(error)
        }
    }

    @Test func sumsTheCounterSeriesThatMatchTheLabels() async throws {
        try await withServer { port in
            let url = "http://127.0.0.1:\(port)/metrics"
            let total = try await PrometheusTrafficSource(url: url, counter: "dnsdist_queries").sample()
            #expect(total.queriesTotal == 41)
            #expect(total.rcodes.isEmpty)
            #expect(total.latency == nil)
            #expect(abs(total.time.timeIntervalSinceNow) < 5)

            // Both frontend series (UDP 38 + TCP 3), or only the UDP one, and per proto.
            let both = try await PrometheusTrafficSource(url: url, counter: "dnsdist_frontend_queries", rcodeLabel: "proto").sample()
            #expect(both.queriesTotal == 41)
            #expect(both.rcodes == ["UDP": 38, "TCP": 3])
            let udp = try await PrometheusTrafficSource(url: url, counter: "dnsdist_frontend_queries",
                                                        labels: ["proto": "UDP", "thread": "0"]).sample()
            #expect(udp.queriesTotal == 38)

            let server = try await PrometheusTrafficSource(url: url, counter: "dnsdist_server_queries", labels: ["server": "unbound-local"]).sample()
            #expect(server.queriesTotal == 13)

            let none = await failure(PrometheusTrafficSource(url: url, counter: "dnsdist_frontend_queries", labels: ["proto": "DoH"]))
            #expect(none.hasPrefix(#"no dnsdist_frontend_queries series has the labels {proto="DoH"} (2 series"#), "\(none)")
        }
    }

    @Test func rcodesPerLabelValueAndFloatCounters() async throws {
        let labelled = """
            # TYPE dns_responses_total counter
            dns_responses_total{server="a",rcode="NOERROR"} 100.9
            dns_responses_total{server="a",rcode="NXDOMAIN"} 7
            dns_responses_total{server="b",rcode="NOERROR"} 50.2
            dns_responses_total{server="b",rcode="SERVFAIL"} 1
            dns_responses_total{server="b"} 4
            this line is garbage
            """
        try await withServer(labelled: labelled) { port in
            let url = "http://127.0.0.1:\(port)/labelled"
            let all = try await PrometheusTrafficSource(url: url, counter: "dns_responses_total", rcodeLabel: "rcode").sample()
            // 163.1 rounded down; the unlabelled series counts in the total only; the garbage line is skipped.
            #expect(all.queriesTotal == 163)
            #expect(all.rcodes == ["NOERROR": 151, "NXDOMAIN": 7, "SERVFAIL": 1])
            let b = try await PrometheusTrafficSource(url: url, counter: "dns_responses_total", labels: ["server": "b"], rcodeLabel: "rcode").sample()
            #expect(b.queriesTotal == 55)
            #expect(b.rcodes == ["NOERROR": 50, "SERVFAIL": 1])
        }
    }

    @Test func counterThatIsNotACounterFails() async throws {
        try await withServer(labelled: "q{a=\"1\"} 5\nq{a=\"2\"} NaN\nneg -1\n") { port in
            let url = "http://127.0.0.1:\(port)/labelled"
            let nan = await failure(PrometheusTrafficSource(url: url, counter: "q"))
            #expect(nan == #"q{a="2"} is nan: a counter must be a finite number ≥ 0"#)
            #expect(await failure(PrometheusTrafficSource(url: url, counter: "neg")).contains("must be a finite number ≥ 0"))
            let one = try await PrometheusTrafficSource(url: url, counter: "q", labels: ["a": "1"]).sample()
            #expect(one.queriesTotal == 5)
        }
    }

    @Test func dnsdistLatencyFromTheHistogramsGrowthBetweenScrapes() async throws {
        let first = try prometheusFixture("dnsdist-metrics-1")
        let second = try prometheusFixture("dnsdist-metrics-2")
        try await withServer(sequence: [first, second, second]) { port in
            let source = PrometheusTrafficSource(url: "http://127.0.0.1:\(port)/seq", counter: "dnsdist_queries", latencyHistogram: "dnsdist_latency")
            let a = try await source.sample()
            #expect(a.queriesTotal == 41)
            #expect(a.latency == nil) // first scrape: no interval yet
            let b = try await source.sample()
            #expect(b.queriesTotal == 83)
            // 79-37 = 42 answers ≤ 1 ms, 80-38 = 42 in all: every rank falls in [0, 1] ms,
            // and dnsdist's HELP says milliseconds.
            let latency = try #require(b.latency)
            #expect(latency.source == "prometheus")
            #expect(latency.p50Ms == 0.5)
            #expect(abs(try #require(latency.p95Ms) - 0.95) < 1e-9)
            #expect(abs(try #require(latency.p99Ms) - 0.99) < 1e-9)
            // Nothing answered since: no quantiles, still from prometheus.
            let c = try await source.sample()
            #expect(c.latency == LatencyStatus(p50Ms: nil, p95Ms: nil, p99Ms: nil, source: "prometheus"))
        }
    }

    @Test func latencyInSecondsWithLabelledHistogram() async throws {
        func body(_ fast: Int, _ mid: Int, _ slow: Int) -> String {
            """
            # HELP dns_request_duration_seconds Time to answer.
            # TYPE dns_request_duration_seconds histogram
            dns_request_duration_seconds_bucket{server="a",le="0.001"} \(fast)
            dns_request_duration_seconds_bucket{server="a",le="0.01"} \(fast + mid)
            dns_request_duration_seconds_bucket{server="a",le="+Inf"} \(fast + mid + slow)
            dns_request_duration_seconds_bucket{server="b",le="0.001"} 1000
            dns_request_duration_seconds_bucket{server="b",le="0.01"} 1000
            dns_request_duration_seconds_bucket{server="b",le="+Inf"} 1000
            dns_requests_total{server="a",proto="udp"} \(fast + mid + slow)
            """
        }
        // Between the scrapes server a answered 50 in ≤ 1 ms, 40 in (1, 10] ms, 10 slower.
        try await withServer(sequence: [body(100, 10, 0), body(150, 50, 10)]) { port in
            let source = PrometheusTrafficSource(url: "http://127.0.0.1:\(port)/seq", counter: "dns_requests_total",
                                                 labels: ["server": "a", "proto": "udp"], latencyHistogram: "dns_request_duration_seconds")
            #expect(try await source.sample().latency == nil)
            let latency = try #require(try await source.sample().latency)
            // Server b's series are filtered out; proto is not a histogram label, so it is not
            // applied. p50: rank 50 of 100 is the last observation ≤ 1 ms. p95 and p99 rank
            // above the 90 observations ≤ 10 ms, in the +Inf bucket: the highest finite bound.
            #expect(abs(try #require(latency.p50Ms) - 1) < 1e-9)
            #expect(abs(try #require(latency.p95Ms) - 10) < 1e-9)
            #expect(abs(try #require(latency.p99Ms) - 10) < 1e-9)
            let p80 = try #require(PrometheusHistogram(buckets: [
                .init(upperBound: 0.001, cumulativeCount: 50), .init(upperBound: 0.01, cumulativeCount: 90), .init(upperBound: .infinity, cumulativeCount: 100),
            ]).quantile(0.8))
            #expect(abs(p80 - (0.001 + 0.009 * 30 / 40)) < 1e-12)
        }
    }

    @Test func missingCounterNamesSimilarMetrics() async throws {
        try await withServer { port in
            let url = "http://127.0.0.1:\(port)/metrics"
            let typo = await failure(PrometheusTrafficSource(url: url, counter: "dnsdist_querys"))
            #expect(typo.hasPrefix("metric dnsdist_querys not found at \(url) (110 metrics; similar: dnsdist_queries"), "\(typo)")
            let similar = try #require(typo.split(separator: "similar: ").last).dropLast().split(separator: ", ")
            #expect(similar.count == 5)
            let short = await failure(PrometheusTrafficSource(url: url, counter: "queries"))
            #expect(short.contains("similar: dnsdist_queries, dnsdist_rdqueries"), "\(short)")
            let unrelated = await failure(PrometheusTrafficSource(url: url, counter: "zzzzzzzzzzzzzzzzzzzzzzzzz"))
            #expect(unrelated.hasSuffix("(110 metrics, none similar)"), "\(unrelated)")
        }
    }

    @Test func notPrometheusText() async throws {
        try await withServer(labelled: "<html><body>login</body></html>\n") { port in
            let url = "http://127.0.0.1:\(port)/labelled"
            let message = await failure(PrometheusTrafficSource(url: url, counter: "dnsdist_queries"))
            #expect(message.hasPrefix("\(url) answered no Prometheus samples (1 unparsable lines; line 1: expected a metric name"), "\(message)")
        }
    }

    @Test func headersAndAccept() async throws {
        let seen = Seen()
        try await withServer(seen: seen) { port in
            let url = "http://127.0.0.1:\(port)/auth"
            let denied = await failure(PrometheusTrafficSource(url: url, counter: "dnsdist_queries"))
            #expect(denied == "GET \(url) answered HTTP 401 Unauthorized (check the API key or headers): Unauthorized")
            #expect(seen.accept.withLock { $0 } == "text/plain;version=0.0.4")
            let sample = try await PrometheusTrafficSource(url: url, counter: "dnsdist_queries", headers: ["X-API-Key": "k"]).sample()
            #expect(sample.queriesTotal == 41)
        }
    }

    @Test func serverErrorIsAClearError() async throws {
        try await withServer { port in
            let url = "http://127.0.0.1:\(port)/fail"
            let message = await failure(PrometheusTrafficSource(url: url, counter: "dnsdist_queries"))
            #expect(message == "GET \(url) answered HTTP 500 Internal Server Error: exporter exploded")
        }
    }

    @Test func bodyCap() async throws {
        try await withServer { port in
            let url = "http://127.0.0.1:\(port)/metrics"
            let message = await failure(PrometheusTrafficSource(url: url, counter: "dnsdist_queries", maxBodyBytes: 1000))
            #expect(message == "the answer from \(url) is larger than 1000 bytes")
        }
    }

    @Test func hungServerTimesOutWithinTheTimeout() async throws {
        // Accepts connections and never answers a byte.
        let hung = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { hung.close(promise: nil) }
        let url = "http://127.0.0.1:\(hung.localAddress!.port!)/metrics"
        let clock = ContinuousClock()
        let start = clock.now
        let message = await failure(PrometheusTrafficSource(url: url, counter: "dnsdist_queries", timeout: .milliseconds(300)))
        let elapsed = clock.now - start
        #expect(message == "no answer from \(url) within 300 ms")
        #expect(elapsed >= .milliseconds(290))
        #expect(elapsed < .seconds(5))
    }

    @Test func tricklingBodyTimesOut() async throws {
        try await withServer { port in
            let url = "http://127.0.0.1:\(port)/trickle"
            let clock = ContinuousClock()
            let start = clock.now
            let message = await failure(PrometheusTrafficSource(url: url, counter: "q", timeout: .milliseconds(300)))
            #expect(message == "no answer from \(url) within 300 ms")
            #expect(clock.now - start < .seconds(5))
        }
    }

    @Test func connectionRefused() async throws {
        // A port nothing listens on: bind, note it, close.
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress!.port!
        try await probe.close()
        let url = "http://127.0.0.1:\(port)/metrics"
        // The client retries a refused connection until its deadline, then reports the refusal.
        let message = await failure(PrometheusTrafficSource(url: url, counter: "q", timeout: .milliseconds(500)))
        #expect(message == "cannot connect to \(url): connection refused")
    }

    @Test func badURL() async {
        let message = await failure(PrometheusTrafficSource(url: "not a url", counter: "q"))
        #expect(message.hasPrefix("invalid metrics URL not a url"), "\(message)")
    }
}
