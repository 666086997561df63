import AnycastAgent
import AnycastCore
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Unbound and NSD `stats_noreset` parsing on REAL captures (unbound 1.17.1 and NSD 4.6.1,
/// `scripts/lab/capture-dns-fixtures.sh`, see Fixtures/unbound/README.md and
/// Fixtures/nsd/README.md), used unedited; garbage input and the histogram quantiles use
/// synthetic text, marked as such. The control-socket exchange runs against a fake server
/// on a real UNIX socket that answers with the captured bytes.
@Suite struct DNSServerStatsTests {
    // MARK: - Fixtures

    static func fixture(_ daemon: String, _ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(daemon)/\(name).txt")
        return Array(try Data(contentsOf: url))
    }

    static func unbound(_ name: String) throws -> UnboundTrafficSource.Counters {
        let stats = StatsText(parsing: try fixture("unbound", name))
        #expect(stats.skippedLines == 0, "\(name): \(stats.skippedSamples)")
        return try UnboundTrafficSource.Counters(stats)
    }

    // MARK: - StatsText on real captures

    @Test func unboundCaptureParsesEveryLineInOrder() throws {
        let bytes = try Self.fixture("unbound", "stats-noreset-after-queries")
        let stats = StatsText(parsing: bytes)
        let lines = bytes.split(separator: UInt8(ascii: "\n")).count
        #expect(stats.entries.count == lines)
        #expect(stats.skippedLines == 0)
        #expect(stats.entries.first?.name == "thread0.num.queries")
        #expect(stats.integer("total.num.queries") == 42)
        #expect(stats["time.up"]?.integer == nil, "time.up is a real number")
        #expect((stats.double("time.up") ?? 0) > 0)
        #expect(stats["total.recursion.time.median"]?.integer == nil)
        #expect(stats.integers(withPrefix: "histogram.").count == 40)
    }

    @Test func unboundCountersFromTheCapture() throws {
        let counters = try Self.unbound("stats-noreset-after-queries")
        #expect(counters.queriesTotal == 42)
        #expect(counters.rcodes == ["NOERROR": 23, "FORMERR": 0, "SERVFAIL": 1, "NXDOMAIN": 12, "NOTIMPL": 0, "REFUSED": 6],
                "nodata (a subset of NOERROR) is left out")
        #expect(counters.rcodes.values.reduce(0, +) == counters.queriesTotal)
        let histogram = try #require(counters.histogram)
        #expect(histogram.buckets.count == 40)
        #expect(histogram.buckets.first?.lower == 0)
        #expect(histogram.buckets.first?.upper == 0.000001)
        #expect(histogram.buckets.last?.lower == 262144)
        #expect(histogram.buckets.last?.upper == 524288)
        // The histogram counts recursion replies only (cache misses).
        let stats = StatsText(parsing: try Self.fixture("unbound", "stats-noreset-after-queries"))
        #expect(histogram.total == Double(stats.integer("total.num.recursivereplies") ?? 0))
        #expect(histogram.total < Double(counters.queriesTotal))
    }

    @Test func freshUnboundHasZerosAndAnEmptyHistogram() throws {
        let counters = try Self.unbound("stats-noreset-fresh")
        #expect(counters.queriesTotal == 0)
        #expect(counters.rcodes.values.allSatisfy { $0 == 0 })
        #expect(counters.histogram?.total == 0)
        #expect(counters.histogram?.quantile(0.5) == nil)
    }

    @Test func unboundWithoutExtendedStatisticsHasQueriesOnly() throws {
        let counters = try Self.unbound("stats-noreset-not-extended")
        #expect(counters.queriesTotal == 3)
        #expect(counters.rcodes.isEmpty)
        #expect(counters.histogram == nil)
        let later = counters
        #expect(later.latency(since: counters) == nil)
    }

    /// The delta between two real captures of the same unbound: 40 cache misses in between.
    @Test func latencyFromTheRealHistogramDelta() throws {
        let first = try Self.unbound("stats-noreset-after-queries")
        let second = try Self.unbound("stats-noreset-after-more-queries")
        let firstHistogram = try #require(first.histogram)
        let delta = try #require(second.histogram?.delta(since: firstHistogram))
        let stats1 = StatsText(parsing: try Self.fixture("unbound", "stats-noreset-after-queries"))
        let stats2 = StatsText(parsing: try Self.fixture("unbound", "stats-noreset-after-more-queries"))
        let recursions = (stats2.integer("total.num.recursivereplies") ?? 0) - (stats1.integer("total.num.recursivereplies") ?? 0)
        #expect(delta.total == Double(recursions))
        #expect(recursions == 40)

        let latency = try #require(second.latency(since: first))
        #expect(latency.source == "unbound-histogram")
        let p50 = try #require(latency.p50Ms), p95 = try #require(latency.p95Ms), p99 = try #require(latency.p99Ms)
        #expect(p50 <= p95 && p95 <= p99)
        // Loopback recursion to NSD: well under 100 ms, above 1 µs.
        #expect(p50 > 0.001 && p99 < 100, "\(latency)")
        // Each quantile lies inside a bucket that has answers in the delta.
        for ms in [p50, p95, p99] {
            let s = ms / 1000
            #expect(delta.buckets.contains { $0.count > 0 && $0.lower <= s && s <= $0.upper }, "\(ms) ms")
        }
    }

    @Test func firstSampleAndCounterResetHaveNoLatency() throws {
        let first = try Self.unbound("stats-noreset-after-queries")
        let second = try Self.unbound("stats-noreset-after-more-queries")
        #expect(second.latency(since: nil) == nil, "first sample")
        #expect(first.latency(since: second) == nil, "counters went down: unbound restarted")
        // A restart that already passed the old counts is still seen through time.up.
        var restarted = second
        restarted.uptime = 0.5
        restarted.queriesTotal = second.queriesTotal + 1
        #expect(restarted.latency(since: second) == nil)
    }

    @Test func noCacheMissInTheIntervalGivesTheSourceWithoutQuantiles() throws {
        let counters = try Self.unbound("stats-noreset-after-queries")
        let latency = try #require(counters.latency(since: counters))
        #expect(latency == LatencyStatus(p50Ms: nil, p95Ms: nil, p99Ms: nil, source: "unbound-histogram"))
    }

    @Test func nsdCaptures() throws {
        let stats = StatsText(parsing: try Self.fixture("nsd", "stats-noreset-after-queries"))
        #expect(stats.skippedLines == 0)
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        let sample = try NSDTrafficSource.sample(stats, time: time)
        #expect(sample.queriesTotal == 80)
        #expect(sample.rcodes == ["NOERROR": 20, "FORMERR": 0, "SERVFAIL": 0, "NXDOMAIN": 49, "NOTIMP": 0,
                                  "REFUSED": 11, "YXDOMAIN": 0])
        #expect(sample.rcodes.values.reduce(0, +) == sample.queriesTotal)
        #expect(sample.latency == nil)
        #expect(sample.time == time)
        let fresh = try NSDTrafficSource.sample(StatsText(parsing: try Self.fixture("nsd", "stats-noreset-fresh")), time: time)
        #expect(fresh.queriesTotal == 0)
    }

    @Test func aReplyWithoutTheQueryCounterIsAClearError() throws {
        // NSD's reply is not Unbound's and vice versa.
        let nsd = StatsText(parsing: try Self.fixture("nsd", "stats-noreset-after-queries"))
        let error = #expect(throws: BackendError.self) { try UnboundTrafficSource.Counters(nsd) }
        #expect(error?.source == "traffic")
        #expect(error?.message.hasPrefix("unbound answered but without total.num.queries: is this unbound?") == true,
                "\(String(describing: error))")
        let unbound = StatsText(parsing: try Self.fixture("unbound", "stats-noreset-after-queries"))
        let nsdError = #expect(throws: BackendError.self) { try NSDTrafficSource.sample(unbound, time: Date()) }
        #expect(nsdError?.message.hasPrefix("nsd answered but without num.queries: is this nsd?") == true)
    }

    // MARK: - Garbage (synthetic)

    @Test func garbageLinesAreSkippedAndCounted() {
        let text = """
        total.num.queries=12
        truncated.no.equals
        empty.value=
        =5
        not.a.number=abc
        trailing.junk=12abc
        hex=0x1F
        nan.value=nan
        infinite=inf
        huge.integer=184467440737095516160
        just.above=18446744073709551616
        max.integer=18446744073709551615
        huge.real=1e999
        real=0.000288
        negative=-1.5
        exponent=9.90476e-05
        with space=1
        only.dot=.

        crlf=7\r
        total.num.queries=13
        cut.off=12
        """ // no line end after the last line: cut off in transit
        let stats = StatsText(parsing: text)
        #expect(stats.integer("total.num.queries") == 13, "the last of a repeated name wins")
        #expect(stats.integer("max.integer") == UInt64.max)
        #expect(stats["huge.integer"] == nil, "no wrap-around, no rounding into a double")
        #expect(stats["just.above"] == nil)
        #expect(stats["huge.real"] == nil)
        #expect(stats.double("real") == 0.000288)
        #expect(stats.double("negative") == -1.5)
        #expect(stats.double("exponent") == 9.90476e-05)
        #expect(stats.integer("crlf") == 7)
        #expect(stats["cut.off"] == nil, "a last line without line end may be a prefix of the real value")
        let skipped = ["truncated.no.equals", "empty.value=", "=5", "not.a.number=abc", "trailing.junk=12abc",
                       "hex=0x1F", "nan.value=nan", "infinite=inf", "huge.integer=184467440737095516160",
                       "just.above=18446744073709551616", "huge.real=1e999", "with space=1", "only.dot=.", "", "cut.off=12"]
        #expect(stats.skippedLines == skipped.count)
        #expect(stats.skippedSamples == Array(skipped.prefix(5)))
        #expect(stats.entries.map(\.name) == ["total.num.queries", "max.integer", "real", "negative", "exponent",
                                              "crlf", "total.num.queries"])
    }

    @Test func emptyAndBinaryRepliesNeverCrash() throws {
        let empty = StatsText(parsing: "")
        #expect(empty.entries.isEmpty && empty.skippedLines == 0)
        #expect(throws: BackendError.self) { try UnboundTrafficSource.Counters(empty) }

        let binary = StatsText(parsing: [0, 0xff, 0xfe, 0x3d, 0x0a, 0x3d, 0x3d, 0x0a, 0xc3, 0x28, 0x3d, 0x31, 0x0a])
        #expect(binary.entries.isEmpty)
        #expect(binary.skippedLines == 3)
        let long = StatsText(parsing: "x=" + String(repeating: "9", count: 100_000) + "\nok=1\n")
        #expect(long.skippedLines == 1 && long.integer("ok") == 1)

        // A real capture cut in the middle of a line (synthetic cut of a real capture).
        let bytes = try Self.fixture("unbound", "stats-noreset-after-queries")
        let cut = Array(bytes.prefix(bytes.count / 2))
        let partial = StatsText(parsing: cut)
        #expect(partial.skippedLines <= 1)
        #expect(partial.entries.count + partial.skippedLines == cut.split(separator: UInt8(ascii: "\n")).count)
    }

    @Test func rcodesFromGarbageKeepOnlyIntegers() {
        let stats = StatsText(parsing: "total.num.queries=5\nnum.answer.rcode.NOERROR=4\nnum.answer.rcode.SERVFAIL=x\nnum.answer.rcode.REFUSED=1.5\nnum.answer.rcode.=3\nnum.answer.rcode.nodata=2\n")
        let counters = try? UnboundTrafficSource.Counters(stats)
        #expect(counters?.rcodes == ["NOERROR": 4])
    }

    // MARK: - Histogram quantiles (synthetic delta)

    /// Synthetic delta: 50 answers in 1–2 ms, 45 in 2–4 ms, 5 in 4–8 ms.
    @Test func quantilesInterpolateWithinTheBucket() throws {
        let delta = LatencyHistogram(buckets: [
            .init(lower: 0.004, upper: 0.008, count: 5),
            .init(lower: 0, upper: 0.001, count: 0),
            .init(lower: 0.001, upper: 0.002, count: 50),
            .init(lower: 0.002, upper: 0.004, count: 45),
        ])
        #expect(delta.total == 100)
        // Rank 50: the top of 1–2 ms; rank 25: its middle; rank 95: the top of 2–4 ms;
        // rank 99: 4/5 into 4–8 ms; q = 1: the top; q = 0: the bottom of the first non-empty bucket.
        for (q, expected) in [(0.5, 0.002), (0.25, 0.0015), (0.95, 0.004), (0.99, 0.0072), (1, 0.008), (0, 0.001)] {
            let value = try #require(delta.quantile(q))
            #expect(Self.near(value, close: expected), "q \(q): \(value)")
        }
        #expect(delta.quantile(1.5) == nil)
        #expect(LatencyHistogram(buckets: []).quantile(0.5) == nil)
    }

    static func near(_ a: Double, close b: Double) -> Bool { abs(a - b) <= 1e-12 }

    @Test func deltaDetectsResetsAndLayoutChanges() {
        let a = LatencyHistogram(buckets: [.init(lower: 0, upper: 1, count: 5), .init(lower: 1, upper: 2, count: 5)])
        let b = LatencyHistogram(buckets: [.init(lower: 0, upper: 1, count: 7), .init(lower: 1, upper: 2, count: 5)])
        #expect(b.delta(since: a)?.buckets.map(\.count) == [2, 0])
        #expect(a.delta(since: b) == nil)
        let other = LatencyHistogram(buckets: [.init(lower: 0, upper: 1, count: 7)])
        #expect(other.delta(since: a) == nil)
        let huge = LatencyHistogram(buckets: [.init(lower: 0, upper: 1, count: .max), .init(lower: 1, upper: 2, count: .max)])
        #expect(huge.total == 2 * Double(UInt64.max), "no overflow trap")
        #expect(huge.quantile(0.5) != nil)
    }

    // MARK: - The exchange over a real UNIX socket (fake server)

    enum Behaviour: Sendable {
        case reply([UInt8])
        case replyInChunks([UInt8])
        case silent
        case closeAtOnce
        case endless
    }

    final class Received: Sendable {
        let lines = Mutex<[String]>([])
    }

    /// Answers the first line it reads as `behaviour` says, then closes.
    final class FakeControlHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let behaviour: Behaviour
        let received: Received
        private var line: [UInt8] = []
        private var answered = false

        init(behaviour: Behaviour, received: Received) {
            self.behaviour = behaviour
            self.received = received
        }

        func channelActive(context: ChannelHandlerContext) {
            if case .closeAtOnce = behaviour { context.close(promise: nil) }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            for byte in unwrapInboundIn(data).readableBytesView {
                line.append(byte)
                guard byte == UInt8(ascii: "\n"), !answered else { continue }
                answered = true
                received.lines.withLock { $0.append(String(decoding: line, as: UTF8.self)) }
                answer(context: context)
            }
        }

        private func answer(context: ChannelHandlerContext) {
            let loop = context.eventLoop.assumeIsolated()
            switch behaviour {
            case .reply(let bytes):
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
            case .replyInChunks(let bytes):
                for chunk in stride(from: 0, to: bytes.count, by: 97) {
                    context.write(wrapOutboundOut(ByteBuffer(bytes: bytes[chunk..<min(chunk + 97, bytes.count)])), promise: nil)
                    context.flush()
                }
                context.close(promise: nil)
            case .silent, .closeAtOnce:
                break
            case .endless:
                func more() {
                    guard context.channel.isActive else { return }
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(repeating: UInt8(ascii: "x"), count: 65536)))
                        .assumeIsolated().whenSuccess { loop.execute { more() } }
                }
                more()
            }
        }
    }

    static func withTempDirectory<R>(_ body: (String) async throws -> R) async throws -> R {
        let directory = "/tmp/dns-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    /// Runs `body` with a fake control socket whose n-th connection behaves as `behaviours[n]`
    /// (the last one repeats).
    static func withFakeServer<R>(_ behaviours: [Behaviour],
                                  _ body: (String, Received) async throws -> R) async throws -> R {
        try await withTempDirectory { directory in
            let path = "\(directory)/c.ctl"
            let received = Received()
            let counter = Atomic<Int>(0)
            let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { child in
                    child.eventLoop.makeCompletedFuture {
                        let n = counter.add(1, ordering: .relaxed).oldValue
                        let behaviour = behaviours[min(n, behaviours.count - 1)]
                        try child.pipeline.syncOperations.addHandler(FakeControlHandler(behaviour: behaviour, received: received))
                    }
                }
                .bind(unixDomainSocketPath: path).get()
            do {
                let result = try await body(path, received)
                try? await server.close()
                return result
            } catch {
                try? await server.close()
                throw error
            }
        }
    }

    @Test func theExchangeSendsOneLineAndReadsUntilClose() async throws {
        let bytes = try Self.fixture("unbound", "stats-noreset-after-queries")
        try await Self.withFakeServer([.reply(bytes), .replyInChunks(bytes)]) { path, received in
            let exchange = ControlSocketExchange(socketPath: path, daemon: "unbound", timeout: .seconds(2))
            let whole: [UInt8] = try await exchange.send("UBCT1 stats_noreset")
            #expect(whole == bytes)
            let pieces: [UInt8] = try await exchange.send("UBCT1 stats_noreset")
            #expect(pieces == bytes, "in 97-byte pieces")
            #expect(received.lines.withLock { $0 } == ["UBCT1 stats_noreset\n", "UBCT1 stats_noreset\n"])
        }
    }

    @Test func unboundSourceOverTheSocketKeepsThePreviousHistogram() async throws {
        let first = try Self.fixture("unbound", "stats-noreset-after-queries")
        let second = try Self.fixture("unbound", "stats-noreset-after-more-queries")
        let failure = try Self.fixture("unbound", "error-unknown-command")
        try await Self.withFakeServer([.reply(first), .reply(second), .reply(failure), .reply(second), .reply(second)]) { path, received in
            let source = UnboundTrafficSource(controlSocket: path)
            let s1 = try await source.sample()
            #expect(s1.queriesTotal == 42 && s1.latency == nil, "the first sample has no latency")
            let s2 = try await source.sample()
            #expect(s2.queriesTotal == 82)
            #expect(s2.rcodes["NXDOMAIN"] == 52)
            #expect(s2.latency?.source == "unbound-histogram")
            #expect(s2.latency?.p50Ms != nil)
            let error = await #expect(throws: BackendError.self) { try await source.sample() }
            #expect(error?.message == "unbound answered on \(path): error unknown command 'no_such_command'")
            let s4 = try await source.sample()
            #expect(s4.latency == nil, "after a failed read the next sample starts over")
            let s5 = try await source.sample()
            #expect(s5.latency == LatencyStatus(p50Ms: nil, p95Ms: nil, p99Ms: nil, source: "unbound-histogram"),
                    "no cache miss in between")
            #expect(received.lines.withLock { $0 }.allSatisfy { $0 == "UBCT1 stats_noreset\n" })
        }
    }

    @Test func nsdSourceOverTheSocket() async throws {
        let reply = try Self.fixture("nsd", "stats-noreset-after-queries")
        let failure = try Self.fixture("nsd", "error-unknown-command")
        try await Self.withFakeServer([.reply(reply), .reply(failure)]) { path, received in
            let source = NSDTrafficSource(controlSocket: path)
            let sample = try await source.sample()
            #expect(sample.queriesTotal == 80 && sample.rcodes["NOTIMP"] == 0 && sample.latency == nil)
            let error = await #expect(throws: BackendError.self) { try await source.sample() }
            #expect(error?.message == "nsd answered on \(path): error unknown command 'no_such_command'")
            #expect(received.lines.withLock { $0 } == ["NSDCT1 stats_noreset\n", "NSDCT1 stats_noreset\n"])
        }
    }

    @Test func versionMismatchReplyIsReported() async throws {
        try await Self.withFakeServer([.reply(try Self.fixture("unbound", "error-bad-version"))]) { path, _ in
            let error = await #expect(throws: BackendError.self) { try await UnboundTrafficSource(controlSocket: path).sample() }
            #expect(error?.message.hasSuffix(": error version mismatch") == true)
        }
    }

    @Test func anEmptyReplyIsAnError() async throws {
        try await Self.withFakeServer([.closeAtOnce]) { path, _ in
            let error = await #expect(throws: BackendError.self) { try await UnboundTrafficSource(controlSocket: path).sample() }
            #expect(error?.message == "unbound closed the control connection on \(path) without answering (is this unbound's control socket?)")
        }
    }

    @Test func aSilentServerTimesOutWithinTheDeadline() async throws {
        try await Self.withFakeServer([.silent]) { path, _ in
            let start = ContinuousClock.now
            let source = NSDTrafficSource(controlSocket: path, timeout: .milliseconds(300))
            let error = await #expect(throws: BackendError.self) { try await source.sample() }
            let elapsed = ContinuousClock.now - start
            #expect(error?.message == "nsd control socket \(path): no complete answer within 300 ms (is nsd overloaded or stuck, or is something else listening there?)")
            #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(5), "\(elapsed)")
        }
    }

    @Test func anEndlessReplyStopsAtTheCap() async throws {
        try await Self.withFakeServer([.endless]) { path, _ in
            let exchange = ControlSocketExchange(socketPath: path, daemon: "unbound", timeout: .seconds(10), maxReplyBytes: 1 << 20)
            let error = await #expect(throws: BackendError.self) { try await exchange.send("UBCT1 stats_noreset") }
            #expect(error?.message.contains("exceeds 1048576 bytes") == true, "\(String(describing: error))")
        }
    }

    @Test func aMissingSocketSaysSo() async throws {
        try await Self.withTempDirectory { directory in
            let path = "\(directory)/none.ctl"
            let error = await #expect(throws: BackendError.self) { try await UnboundTrafficSource(controlSocket: path).sample() }
            #expect(error?.source == "traffic")
            #expect(error?.message == "unbound control socket \(path): no such socket (is unbound running with remote-control `control-enable: yes` and `control-interface: \(path)`?)")
        }
    }

    /// A socket file nobody listens on any more. NIO removes its socket file on close, so a
    /// hard link to it stands in for the stale file.
    @Test func aStaleSocketIsRefused() async throws {
        try await Self.withTempDirectory { directory in
            let path = "\(directory)/c.ctl", stale = "\(directory)/s.ctl"
            let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(unixDomainSocketPath: path).get()
            try FileManager.default.linkItem(atPath: path, toPath: stale)
            try await server.close()
            let error = await #expect(throws: BackendError.self) { try await UnboundTrafficSource(controlSocket: stale).sample() }
            #expect(error?.message == "unbound control socket \(stale): connection refused (unbound is not running: the socket file is left over)")
        }
    }

    @Test func aRegularFileIsNoSocket() async throws {
        try await Self.withTempDirectory { directory in
            let path = "\(directory)/file.ctl"
            #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
            let error = await #expect(throws: BackendError.self) { try await NSDTrafficSource(controlSocket: path).sample() }
            #expect(error?.message.contains("nsd control socket \(path): ") == true)
            #expect(error?.message.contains("refused") == true || error?.message.contains("not a socket") == true,
                    "\(String(describing: error))")
        }
    }

    @Test func aTooLongPathIsExplained() async throws {
        let path = "/tmp/" + String(repeating: "x", count: 200) + ".ctl"
        let error = await #expect(throws: BackendError.self) { try await UnboundTrafficSource(controlSocket: path).sample() }
        #expect(error?.message.contains("too long") == true, "\(String(describing: error))")
    }
}
