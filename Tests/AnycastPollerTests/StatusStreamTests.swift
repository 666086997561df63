import AnycastAgent
import AnycastCore
import AnycastSimulatedFleet
@testable import AnycastPoller
import Clocks
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Status streams end to end: a simulated agent's `GET /v1/status/stream` read through the
/// poller's stream set, and the poller against a raw server that goes silent or ends its stream.
@Suite(.serialized) struct StatusStreamTests {
    static let loop = MultiThreadedEventLoopGroup.singleton.next()

    static func streamSet() -> StatusStreamSet {
        StatusStreamSet(eventLoop: loop, decoder: .makeBoxSendingValue(AgentJSON.decoder(), eventLoop: loop))
    }

    static func take(_ set: StatusStreamSet, _ job: StatusStreamSet.Job) async throws -> [StatusUpdate] {
        let deliveries = try await set.take([job], timeout: .milliseconds(800), silentAfter: .seconds(3), maxBytes: 1 << 22).get()
        return try deliveries[0].results.map { try $0.result.get() }
    }

    /// One line of a simulated agent's status stream (its current status, the newest point).
    static func oneLine() async throws -> String {
        let fleet = SimulatedFleet(siteCount: 1, seed: 7)
        await fleet.start()
        let (update, _) = await fleet.agents[0].streamUpdate(from: StatusStreamCursor(historyAfter: nil), historyPoints: 1)
        return String(decoding: try AgentJSON.encoder().encode(update), as: UTF8.self)
    }

    /// A job following `raw` from its newest point.
    static func newestPointJob(_ raw: RawStreamAgent) throws -> StatusStreamSet.Job {
        let site = SiteConfig(id: "raw", name: "raw", region: "test", url: "http://127.0.0.1:\(raw.port)", token: "t")
        return StatusStreamSet.Job(index: 0, endpoint: try #require(AgentEndpoint(site: site)), start: .points(1), wholeHistory: false)
    }

    /// A raw agent, a set following it from its newest point, and its first line taken (read
    /// by the channel, as an opening stream's always is).
    static func following() async throws -> (line: String, raw: RawStreamAgent, set: StatusStreamSet, job: StatusStreamSet.Job) {
        let line = try await oneLine()
        let raw = try await RawStreamAgent.start(line: line)
        let set = streamSet()
        let job = try newestPointJob(raw)
        #expect(try await take(set, job).count == 1, "the first line")
        return (line, raw, set, job)
    }

    /// How many lines the streams of `indices` hold between them, once they hold `count` (or
    /// after 3 s: a loaded machine is slow to read even a local line).
    static func held(_ set: StatusStreamSet, _ indices: [Int], reach count: Int) async throws -> Int {
        var held = 0
        let deadline = ContinuousClock.now + .seconds(3)
        while held < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            held = 0
            for i in indices { held += try await set.heldLines(of: i).get() }
        }
        return held
    }

    /// Takes until `done` holds for what was taken (at most 3 s: a loaded machine is slow).
    static func take(_ set: StatusStreamSet, _ job: StatusStreamSet.Job, until done: ([StatusUpdate]) -> Bool) async throws -> [StatusUpdate] {
        var all: [StatusUpdate] = []
        let deadline = ContinuousClock.now + .seconds(3)
        while !done(all), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            all += try await take(set, job)
        }
        return all
    }

    @Test func aStreamBringsTheWholeStatusThenOnlyWhatMovedOn() async throws {
        let servers = try await TestServers.start(simulatedSites: 1)
        let site = servers.simulatedSites()[0]
        let agent = servers.simulated.fleet.agents[0]
        let set = Self.streamSet()
        let job = StatusStreamSet.Job(index: 0, endpoint: try #require(AgentEndpoint(site: site)), start: .points(900), wholeHistory: true)

        let first = try await Self.take(set, job)
        #expect(first.count == 1, "the cycle that opens a stream waits for its first line only")
        let whole = try #require(first.first)
        #expect(whole.history.count == RateHistory.defaultCapacity, "the first line brings the whole window")
        #expect(whole.status?.site.id == site.id, "and the whole status")

        await agent.refresh()
        let next = try await Self.take(set, job) { !$0.isEmpty }
        #expect(!next.isEmpty, "a refresh sends a line")
        for update in next {
            #expect(update.status == nil, "nothing slow changed: the status is not sent again")
            #expect(update.revision == whole.revision)
        }
        let times = (whole.history + next.flatMap(\.history)).map(\.t)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "each line brings only points newer than the last")

        _ = try await agent.drain(DrainRequest(reason: "stream test", operator: "tester"), origin: RequestOrigin(tokenName: "test"))
        let afterDrain = try await Self.take(set, job) { $0.contains { $0.status != nil } }
        let changed = try #require(afterDrain.first { $0.status != nil }, "a drain sends the new status")
        #expect(changed.status?.services.allSatisfy { $0.desired == .drain } == true)
        #expect(changed.revision != whole.revision)

        // Stopping the agent ends the stream cleanly: no failure, and the next take finds it gone.
        await servers.stop()
        // Takes until the ended stream is noticed and reopened (a loaded machine is slow to see the end).
        var failures: [AgentClientError] = []
        for _ in 0..<50 where failures.isEmpty {
            let deliveries = try await set.take([job], timeout: .milliseconds(800), silentAfter: .seconds(3), maxBytes: 1 << 22).get()
            failures = deliveries[0].results.compactMap { if case .failure(let e) = $0.result { e } else { nil } }
        }
        #expect(failures == [.connection("connection refused")], "no failure for the clean end, then refused: \(failures)")
        set.closeAll()
    }

    /// An agent whose stream opened before its history was loaded (agents start one after
    /// another, and a loaded machine serves the first line early) sends the whole loaded
    /// history, ~36 KiB, on its next line. Read a few KiB a cycle, that line left the stream
    /// looking silent until it was closed and reopened. It arrives in the cycle it was sent in.
    @Test func aLineLargerThanOneReadArrivesWholeInTheCycleItWasSentIn() async throws {
        let fleet = SimulatedFleet(siteCount: 1, seed: 7)
        let agent = fleet.agents[0]
        let (early, cursor) = await agent.streamUpdate(from: StatusStreamCursor(historyAfter: nil), historyPoints: 900)
        #expect(early.history.isEmpty, "served before the agent started: no history yet")
        await fleet.start()
        let (backfilled, _) = await agent.streamUpdate(from: cursor)
        #expect(backfilled.history.count == RateHistory.defaultCapacity, "the next line brings the whole loaded history")
        let encoder = AgentJSON.encoder()
        let big = String(decoding: try encoder.encode(backfilled), as: UTF8.self)
        #expect(big.utf8.count > 16 * 1024, "far more than one read (\(big.utf8.count) bytes)")

        let raw = try await RawStreamAgent.start(line: String(decoding: try encoder.encode(early), as: UTF8.self))
        let set = Self.streamSet()
        let site = SiteConfig(id: "raw", name: "raw", region: "test", url: "http://127.0.0.1:\(raw.port)", token: "t")
        let job = StatusStreamSet.Job(index: 0, endpoint: try #require(AgentEndpoint(site: site)), start: .points(900), wholeHistory: true)
        #expect(try await Self.take(set, job).count == 1, "the first line")

        try await raw.send(line: big)
        // The line's first bytes may reach the socket only after the first take has looked
        // (a loaded machine); once one take has begun the line, it reads it to its end. Read
        // a KiB a take, as before, it took dozens.
        var takes = 0
        var next: [StatusUpdate] = []
        while next.isEmpty, takes < 40 {
            takes += 1
            next = try await Self.take(set, job)
        }
        #expect(takes <= 2, "the large line is read to its end in the take that began it (\(takes) takes)")
        #expect(next.count == 1)
        #expect(next.first?.history.count == RateHistory.defaultCapacity)
        set.closeAll()
        try await raw.stop()
    }

    /// A stream asked to read with nothing waiting stays asked, and reads its next line as it
    /// comes, at a wake-up of its own. The take after hands that line on without asking again,
    /// so the line after it waits in the kernel and is read with the others' lines in the take
    /// after that. Asked again, the stream would find each of its lines asked for: a wake-up a
    /// line for as long as it stays open.
    @Test func aStreamHoldingALineIsNotAskedToReadAgain() async throws {
        let line = try await Self.oneLine()
        let raw = try await RawStreamAgent.start(line: line)
        let set = Self.streamSet()
        let job = try Self.newestPointJob(raw)
        #expect(try await Self.take(set, job).count == 1, "the first line")
        #expect(try await Self.take(set, job).isEmpty, "nothing waiting: the stream is left asking")

        try await raw.send(line: line)
        #expect(try await Self.held(set, [0], reach: 1) == 1, "the asking stream reads its line as it comes")

        try await raw.send(line: line)
        try await Task.sleep(for: .milliseconds(50))  // the line is in the kernel's buffer
        #expect(try await Self.take(set, job).count == 1, "the held line only: the next one is not read")
        #expect(try await Self.take(set, job).count == 1, "the next take asks, and reads the line that waited")
        set.closeAll()
        try await raw.stop()
    }

    /// A line already in the kernel when the take comes is read straight from the stream's
    /// socket: the channel is not asked (no `epoll_ctl` to arm it, none to disarm it).
    @Test func aLineWaitingAtATakeIsReadFromTheSocketWithoutAskingTheChannel() async throws {
        let (line, raw, set, job) = try await Self.following()
        #expect(try await set.directReads(of: 0).get() == 0)

        for n in 1...3 {
            try await raw.send(line: line)
            try await Task.sleep(for: .milliseconds(50))  // the line is in the kernel's buffer
            #expect(try await Self.take(set, job).count == 1)
            #expect(try await set.directReads(of: 0).get() == n, "line \(n): read from the socket")
        }
        set.closeAll()
        try await raw.stop()
    }

    /// A line only partly in the kernel at the take is read that far from the socket; the
    /// channel is asked for the rest, and the take waits for it.
    @Test func aLineCutShortAtATakeIsFinishedByTheChannelInTheSameTake() async throws {
        let (line, raw, set, job) = try await Self.following()

        let body = line + "\n"
        let chunk = Array((String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n").utf8)
        try await raw.send(bytes: Array(chunk[..<(chunk.count / 2)]))
        try await Task.sleep(for: .milliseconds(50))
        let take = set.take([job], timeout: .milliseconds(2000), silentAfter: .seconds(3), maxBytes: 1 << 22)
        try await Task.sleep(for: .milliseconds(100))  // longer than the take's 20 ms wait for lines
        try await raw.send(bytes: Array(chunk[(chunk.count / 2)...]))
        let delivery = try await Self.bounded(take)[0]
        #expect(delivery.results.count == 1, "the whole line, in the take that began it")
        #expect(try delivery.results.first?.result.get().history.count == 1)
        #expect(try await set.directReads(of: 0).get() == 1, "its first half from the socket")
        set.closeAll()
        try await raw.stop()
    }

    /// An agent that closes its connection between takes: the channel sees the end (NIO
    /// watches for it without being asked to read), the stream closes with its failure, and
    /// the next take hands that on.
    @Test func aConnectionClosedBetweenTakesEndsTheStreamAtTheNextTake() async throws {
        let (_, raw, set, job) = try await Self.following()
        try await raw.closeStreams()
        try await Task.sleep(for: .milliseconds(50))
        let delivery = try await Self.bounded(set.take([job], timeout: .milliseconds(800), silentAfter: .seconds(3), maxBytes: 1 << 22))[0]
        let failures = delivery.results.compactMap { if case .failure(let e) = $0.result { e } else { nil } }
        #expect(failures.count == 1, "the connection cut short, mid-stream: \(failures)")
        #expect(try await set.heldLines(of: 0).get() == 0)
        set.closeAll()
        try await raw.stop()
    }

    /// A stream that ends closes its socket's duplicate too: the agent sees the connection
    /// close (a duplicate left open would keep it open).
    @Test func aClosedStreamClosesItsSocketsDuplicate() async throws {
        let (line, raw, set, job) = try await Self.following()
        try await raw.send(line: line)
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await Self.take(set, job).count == 1)
        #expect(try await set.directReads(of: 0).get() == 1, "the stream has its duplicate")
        let closed = raw.closeFutures()
        #expect(closed.count == 1)
        set.closeAll()
        for future in closed { try await Self.bounded(future) }
        try await raw.stop()
    }

    /// A stream open on `descriptor` (its response head already read), on the set's loop.
    static func openStream(on descriptor: CInt, rcodeNames: RcodeNamesPool = RcodeNamesPool()) -> StatusStream {
        let site = SiteConfig(id: "pair", name: "pair", region: "test", url: "http://127.0.0.1:9", token: "t")
        let stream = StatusStream(endpoint: AgentEndpoint(site: site)!, wholeHistory: false, maxBytes: 1 << 20,
                                  decoder: .makeBoxSendingValue(AgentJSON.decoder(), eventLoop: loop), clock: AnyClock(ContinuousClock()),
                                  rcodeNames: rcodeNames)
        var head = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
        stream.feed(&head)
        stream.phase = .open
        stream.descriptor = descriptor
        return stream
    }

    /// A line's points go into the array of the line before, once the poller has taken that
    /// line and nothing else holds its array; the update read is the same.
    @Test func aLineReusesThePointsArrayOfTheLineBefore() async throws {
        let t = Date(timeIntervalSince1970: 1_795_820_650)
        func chunk(_ points: Int) throws -> ByteBuffer {
            let update = StatusUpdate(
                revision: "0123456789abcdef", now: t, qps: 5, queriesTotal: 10, rcodes: ["NOERROR": 10], sampledAt: t,
                latency: LatencyStatus(p50Ms: 1, p95Ms: nil, p99Ms: nil, source: "probe", successRatio: nil),
                history: (0..<points).map { RatePoint(t: t.addingTimeInterval(Double($0)), qps: 5) }, status: nil)
            let line = String(decoding: try AgentJSON.encoder().encode(update), as: UTF8.self) + "\n"
            return ByteBuffer(string: String(line.utf8.count, radix: 16) + "\r\n" + line + "\r\n")
        }
        let (threePoints, onePoint) = (try chunk(3), try chunk(1))
        let (first, reused) = try await Self.loop.submit {
            var (three, one) = (threePoints, onePoint)
            let stream = Self.openStream(on: -1)
            stream.feed(&three)
            var taken = stream.take()
            let first = try #require(try taken.popFirst()?.result.get())
            let firstPoints = first.history.count
            _ = consume first  // merged by the poller, then dropped
            stream.feed(&one)
            taken = stream.take()
            return (firstPoints, try #require(try taken.popFirst()?.result.get()).history)
        }.get()
        #expect(first == 3)
        #expect(reused.count == 1 && reused[0] == RatePoint(t: t, qps: 5))
        #expect(reused.capacity >= 3, "one point, in the three-point array")
    }

    /// Reading straight from the socket: what waits is fed to the parser, the end of the
    /// connection is left to the channel (which sees it too), and an error fails the stream.
    @Test func aDirectReadFeedsWhatWaitsLeavesTheEndAndFailsOnAnError() async throws {
        let line = try await Self.oneLine() + "\n"
        let chunk = String(line.utf8.count, radix: 16) + "\r\n" + line + "\r\n"
        var ends: [CInt] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &ends) == 0)
        let (ours, theirs) = (ends[0], ends[1])
        try await Self.loop.submit {
            let stream = Self.openStream(on: ours)
            var buffer = ByteBuffer()
            stream.readWaiting(through: &buffer)
            #expect(stream.results.isEmpty && stream.phase == .open, "nothing waiting")
            _ = chunk.utf8CString.withUnsafeBufferPointer { write(theirs, $0.baseAddress, $0.count - 1) }
            stream.readWaiting(through: &buffer)
            #expect(stream.take().count == 1, "the waiting line")
            close(theirs)
            stream.readWaiting(through: &buffer)
            #expect(stream.results.isEmpty && stream.phase == .open, "the end is the channel's to see")
            stream.close()
            #expect(stream.descriptor == -1)

            // Not a socket: `recv` fails on it.
            let directory = open("/", O_RDONLY)
            let broken = Self.openStream(on: directory)
            broken.readWaiting(through: &buffer)
            #expect(broken.phase == .closed, "a read that fails ends the stream")
            let failures = broken.take().compactMap { if case .failure(let e) = $0.result { e } else { nil } }
            #expect(failures == [.connection(String(cString: strerror(ENOTSOCK)))])
            #expect(broken.descriptor == -1, "and closes its descriptor")
        }.get()
    }

    /// A line read between takes is handed on with how long after the ask it came, on the
    /// set's clock: what the poller moves its cycle by.
    @Test func aLineReadBetweenTakesSaysHowLongAfterTheAskItCame() async throws {
        let clock = TestClock<Duration>()
        let line = try await Self.oneLine()
        let raw = try await RawStreamAgent.start(line: line)
        let set = StatusStreamSet(eventLoop: Self.loop, decoder: .makeBoxSendingValue(AgentJSON.decoder(), eventLoop: Self.loop), clock: AnyClock(clock))
        let job = try Self.newestPointJob(raw)
        func take() async throws -> StatusStreamSet.Delivery {
            try await set.take([job], timeout: .milliseconds(800), silentAfter: .seconds(3), maxBytes: 1 << 22).get()[0]
        }
        #expect(try await take().lateBy == nil, "the first line: no ask before it")
        let asked = try await take()
        #expect(asked.results.isEmpty && asked.lateBy == nil, "asked, nothing waiting")

        await clock.advance(by: .milliseconds(15))
        try await raw.send(line: line)
        #expect(try await Self.held(set, [0], reach: 1) == 1, "the stream asked by the take before reads it as it comes")
        let delivery = try await take()
        #expect(delivery.results.count == 1)
        #expect(delivery.lateBy == .milliseconds(15), "came 15 ms after the ask")
        #expect(try await take().lateBy == nil, "a line read by the take's own ask is not late")
        set.closeAll()
        try await raw.stop()
    }

    /// Two takes that overlap on one open stream both end: each is told when the read it
    /// waits for is over. (Told only to the later one, the earlier take never ended.)
    @Test(.timeLimit(.minutes(1))) func overlappingTakesOfOneStreamBothEnd() async throws {
        let servers = try await TestServers.start(simulatedSites: 1)
        let line = try AgentJSON.encoder().encode(await servers.simulated.fleet.agents[0].statusUpdate(known: nil, historyAfter: nil, historyPoints: 5))
        await servers.stop()
        let agent = try await RawStreamAgent.start(line: String(decoding: line, as: UTF8.self))
        let set = Self.streamSet()
        let job = StatusStreamSet.Job(index: 0, endpoint: try #require(AgentEndpoint(site: SiteConfig(
            id: "raw", name: "raw", region: "test", url: "http://127.0.0.1:\(agent.port)", token: "t"))), start: .points(1), wholeHistory: false)
        #expect(try await Self.take(set, job).count == 1, "the stream is open")

        // Nothing waits on the stream: each take's read ends by its short wait for data.
        let first = set.take([job], timeout: .milliseconds(800), silentAfter: .seconds(3), maxBytes: 1 << 22)
        let second = set.take([job], timeout: .milliseconds(800), silentAfter: .seconds(3), maxBytes: 1 << 22)
        let a = try await Self.bounded(first)
        let b = try await Self.bounded(second)
        #expect(a.count == 1 && b.count == 1)
        #expect(a[0].results.isEmpty && b[0].results.isEmpty, "nothing was sent")

        // The stream is still read: a line sent now arrives.
        try await agent.send(line: String(decoding: line, as: UTF8.self))
        #expect(try await Self.take(set, job) { !$0.isEmpty }.count == 1)
        set.closeAll()
        try await agent.stop()
    }

    struct NeverEnded: Error {}

    /// `future`'s value, or a failure if it has none in 10 s (well past the 800 ms timeout):
    /// a take that never ends fails the test instead of hanging it.
    static func bounded<T: Sendable>(_ future: EventLoopFuture<T>) async throws -> T {
        let promise = future.eventLoop.makePromise(of: T.self)
        let limit = future.eventLoop.scheduleTask(in: .seconds(10)) { promise.fail(NeverEnded()) }
        future.whenComplete { limit.cancel(); promise.completeWith($0) }
        return try await promise.futureResult.get()
    }

    @Test func aSilentStreamTimesOutAndAnEndedOneReopensFromTheNewestPoint() async throws {
        let servers = try await TestServers.start(simulatedSites: 1)
        let line = try AgentJSON.encoder().encode(await servers.simulated.fleet.agents[0].statusUpdate(known: nil, historyAfter: nil, historyPoints: 5))
        await servers.stop()
        let agent = try await RawStreamAgent.start(line: String(decoding: line, as: UTF8.self))
        let site = SiteConfig(id: "raw", name: "raw", region: "test", url: "http://127.0.0.1:\(agent.port)", token: "t")
        let config = FleetConfig(name: "t", pollInterval: .milliseconds(500), unreachableAfter: 3, regions: [RegionConfig(name: "test")], sites: [site])
        let http = AgentClient.makeHTTPClient()
        let clock = TestClock<Duration>()
        let poller = FleetPoller(config: config, client: AgentClient(http: http), clock: AnyClock(clock))

        let first = await poller.pollOnce()
        #expect(first.sites[0].reachability == .ok, "\(first.sites[0].lastError ?? "")")
        #expect(agent.requests == ["GET /v1/status/stream?history=900 HTTP/1.1"])

        // Silent for two intervals and a timeout (2 × 500 + 400 ms): not yet; a moment longer: timed out.
        await clock.advance(by: .milliseconds(1400))
        #expect(await poller.pollOnce().sites[0].reachability == .ok)
        await clock.advance(by: .milliseconds(1))
        let silent = await poller.pollOnce()
        #expect(silent.sites[0].lastError == "timed out after 1400 ms")
        #expect(silent.sites[0].reachability == .stale, "it was showing data: now stale, not yet unreachable")

        // The next cycle opens it again, from the newest point held.
        let reopened = await poller.pollOnce()
        #expect(reopened.sites[0].reachability == .ok)
        #expect(agent.requests.count == 2)
        #expect(agent.requests.last?.hasPrefix("GET /v1/status/stream?history_after=") == true, "\(agent.requests)")

        // A cleanly ended stream is no failure; it is opened again by the next cycle.
        agent.endStreams()
        try await Task.sleep(for: .milliseconds(100))
        let ended = await poller.pollOnce()
        #expect(ended.sites[0].consecutiveFailures == 0)
        _ = await poller.pollOnce()
        #expect(agent.requests.count == 3)
        poller.close()
        try await http.shutdown()
        try await agent.stop()
    }
}

/// A raw TCP agent that answers every status stream with `line` once and then stays silent
/// until told to end its streams; it records each request line.
final class RawStreamAgent: Sendable {
    let channel: any Channel
    private let state = Mutex<(requests: [String], streams: [any Channel])>(([], []))

    var port: Int { channel.localAddress!.port! }
    var requests: [String] { state.withLock { $0.requests } }

    private init(channel: any Channel) {
        self.channel = channel
    }

    static func start(line: String) async throws -> RawStreamAgent {
        let box = Box()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Handler(line: line, agent: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let agent = RawStreamAgent(channel: channel)
        box.agent.withLock { $0 = agent }
        return agent
    }

    func endStreams() {
        let open = state.withLock { s in
            defer { s.streams = [] }
            return s.streams
        }
        for c in open { c.writeAndFlush(ByteBuffer(string: "0\r\n\r\n"), promise: nil) }
    }

    /// Sends `line` on every open stream; returns once it is written.
    func send(line: String) async throws {
        let body = line + "\n"
        let chunk = String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n"
        for c in state.withLock({ $0.streams }) { try await c.writeAndFlush(ByteBuffer(string: chunk)) }
    }

    /// When each open stream's connection closes, at this end.
    func closeFutures() -> [EventLoopFuture<Void>] {
        state.withLock { $0.streams.map(\.closeFuture) }
    }

    /// Writes `bytes` as they are on every open stream.
    func send(bytes: [UInt8]) async throws {
        for c in state.withLock({ $0.streams }) { try await c.writeAndFlush(ByteBuffer(bytes: bytes)) }
    }

    /// Closes every open stream's connection, without ending the stream first.
    func closeStreams() async throws {
        let open = state.withLock { s in
            defer { s.streams = [] }
            return s.streams
        }
        for c in open { try await c.close() }
    }

    func stop() async throws {
        for c in state.withLock({ $0.streams }) { try? await c.close() }
        try await channel.close()
    }

    fileprivate func opened(_ request: String, on channel: any Channel) {
        state.withLock { s in
            s.requests.append(request)
            s.streams.append(channel)
        }
    }

    final class Box: Sendable {
        let agent = Mutex<RawStreamAgent?>(nil)
    }

    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let line: String
        let agent: Box
        init(line: String, agent: Box) {
            self.line = line
            self.agent = agent
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            guard text.contains("\r\n\r\n"), let requestLine = text.components(separatedBy: "\r\n").first else { return }
            agent.agent.withLock { $0 }?.opened(requestLine, on: context.channel)
            let body = line + "\n"
            let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
        }
    }
}
