import AnycastCore
import Clocks
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// The poller's status streams, one kept-open `GET /v1/status/stream` per agent (over TLS for
/// https agents): the agent sends a line each time its status moves on, so a site costs the
/// dashboard one read a second and no request at all. All of it runs on one event loop.
public final class StatusStreamSet: Sendable {
    /// What one site's stream brought since the last take.
    public struct Delivery: Sendable {
        public var index: Int
        /// In arrival order; `wholeHistory` marks the first line of a stream opened for the
        /// whole history window.
        public var results: StreamResults
        /// The agent has no status streams; poll it instead.
        public var unsupported: Bool
        /// For a line read between takes (its stream was asked, had nothing waiting, and read
        /// the line as it came): how long after that ask it came.
        public var lateBy: Duration? = nil
    }

    /// What a stream opened for a job asks for with its first line.
    public enum Start: Sendable, Equatable {
        /// The last `points` points of the history (the whole window, or just the newest).
        case points(Int)
        /// The points after this time (the newest one held).
        case after(Date)
    }

    /// One site to take from (and to open a stream to, from `start`, when none is open).
    public struct Job: Sendable, Equatable {
        public var index: Int
        public var endpoint: AgentEndpoint
        public var start: Start
        /// `start` asks for the whole history window with the first line.
        public var wholeHistory: Bool

        public init(index: Int, endpoint: AgentEndpoint, start: Start, wholeHistory: Bool) {
            self.index = index
            self.endpoint = endpoint
            self.start = start
            self.wholeHistory = wholeHistory
        }

        /// The request path of a stream opened for the job; made only when one is opened,
        /// not for every streamed site every cycle.
        public var path: String {
            switch start {
            case .points(let n): "/v1/status/stream?history=\(n)"
            case .after(let t): "/v1/status/stream?history_after=" + String(format: "%.3f", t.timeIntervalSince1970)
            }
        }
    }

    public let eventLoop: any EventLoop
    /// By site index (an array, not a dictionary: each take looks every site's up twice).
    private let streams: NIOLoopBoundBox<[StatusStream?]>
    private let decoder: NIOLoopBoundBox<JSONDecoder>
    /// For https agents; nil when there are none.
    private let tls: NIOSSLContext?
    /// What a stream's silence is measured with.
    private let clock: AnyClock<Duration>
    /// When the last take asked streams to read.
    private let lastAsk: NIOLoopBoundBox<AnyClock<Duration>.Instant?>
    /// What streams read their waiting lines through.
    private let readBuffer: NIOLoopBoundBox<ByteBuffer>
    /// Plain-HTTP streams connected since the last take, whose descriptors are still to find.
    private let unfound: NIOLoopBoundBox<[StatusStream]>
    /// The rcode names every stream's updates share.
    private let rcodeNames: NIOLoopBoundBox<RcodeNamesPool>

    public init(eventLoop: any EventLoop, decoder: NIOLoopBoundBox<JSONDecoder>, tls: NIOSSLContext? = nil,
                clock: AnyClock<Duration> = AnyClock(ContinuousClock())) {
        self.eventLoop = eventLoop
        self.decoder = decoder
        self.tls = tls
        self.clock = clock
        self.streams = .makeBoxSendingValue([], eventLoop: eventLoop)
        self.lastAsk = .makeBoxSendingValue(nil, eventLoop: eventLoop)
        self.readBuffer = .makeBoxSendingValue(ByteBuffer(), eventLoop: eventLoop)
        self.unfound = .makeBoxSendingValue([], eventLoop: eventLoop)
        self.rcodeNames = .makeBoxSendingValue(RcodeNamesPool(), eventLoop: eventLoop)
    }

    /// Takes what each job's stream has brought. A job without an open stream gets one, and
    /// the answer waits for its first line until `deadline` (the cycle's; by default `timeout`
    /// from now), and fails then as "timed out after `timeout`". An open stream that has sent
    /// nothing for `silentAfter` is closed as timed out.
    ///
    /// The streams' connections do not read by themselves: the lines wait in the kernel and
    /// every stream is read here, in one turn of the event loop, so a fleet's lines cost one
    /// wake-up a cycle instead of one per line. A plain-HTTP stream reads what waits straight
    /// from its socket; only one with nothing waiting (or a line cut short) asks its channel,
    /// as every https stream does. A stream asked to read with nothing waiting
    /// stays asked until its line comes, and takes a wake-up of its own then; so a stream that
    /// holds a line already is not asked again this take. Were it asked, its next line would
    /// again find it asking, and the stream would cost a wake-up a line for good (as it did
    /// whenever the agents spoke just after the cycle began: in the simulated fleet, whose
    /// agents all speak at once, 100 wake-ups a second at 100 sites).
    /// `onUnsupported` is told, on the event loop, of each stream refused as unknown (404, 405)
    /// as soon as it is, so the poller can poll that agent without waiting for the others.
    public func take(
        _ jobs: [Job], timeout: Duration, deadline: CycleDeadline? = nil, silentAfter: Duration, maxBytes: Int,
        onUnsupported: (@Sendable (Int) -> Void)? = nil
    ) -> EventLoopFuture<[Delivery]> {
        let promise = eventLoop.makePromise(of: [Delivery].self)
        let deadline = deadline ?? CycleDeadline.after(timeout, on: eventLoop)
        eventLoop.execute { [self] in
            var waiting = 1
            var opened: [Job] = []
            var reading: [StatusStream] = []
            var readDeadline: Scheduled<Void>?
            let askedAt = clock.now
            // Streams holding a line read since the last ask, and how long after it the line came.
            var lateBy: [Int: Duration] = [:]
            let finish = {
                let all = self.streams.value
                let now = self.clock.now
                promise.succeed(jobs.map { job in
                    guard all.indices.contains(job.index), let stream = all[job.index] else {
                        return Delivery(index: job.index, results: StreamResults(), unsupported: false)
                    }
                    if stream.phase == .open, stream.results.isEmpty, stream.lastLine.advanced(by: silentAfter) < now {
                        stream.fail(.timedOut(milliseconds: silentAfter.wholeMilliseconds))
                    }
                    return Delivery(index: job.index, results: stream.take(), unsupported: stream.unsupported, lateBy: lateBy[job.index])
                })
            }
            let arrived = {
                waiting -= 1
                if waiting == 0 {
                    readDeadline?.cancel()
                    finish()
                }
            }
            findDescriptors()
            for job in jobs {
                if let stream = stream(of: job.index), stream.phase != .closed || !stream.results.isEmpty {
                    guard stream.phase == .open, let channel = stream.channel else { continue }
                    if stream.results.isEmpty, !stream.asked, stream.descriptor >= 0 {
                        stream.readWaiting(through: &readBuffer.value)
                        // Read by this take (or closed by what it read): nothing to wait for.
                        if stream.phase != .open || !stream.results.isEmpty { continue }
                    }
                    if stream.results.isEmpty {
                        waiting += 1
                        // A take whose read of this stream is not over yet is told too: each
                        // take waits for its own callback, and one left untold never ends.
                        if let earlier = stream.onReadDone {
                            stream.onReadDone = { earlier(); arrived() }
                        } else {
                            stream.onReadDone = arrived
                        }
                        reading.append(stream)
                        stream.asked = true
                        channel.read()
                    } else if let ask = lastAsk.value, ask < stream.lastLine {
                        // Held, not asked: its line came after a take had asked and ended.
                        lateBy[job.index] = ask.duration(to: stream.lastLine)
                    }
                    continue
                }
                opened.append(job)
            }
            for job in opened {
                waiting += 1
                open(job, timeout: timeout, deadline: deadline, maxBytes: maxBytes, onFirst: arrived, onUnsupported: onUnsupported)
            }
            // A stream with nothing waiting has nothing to read: it must not hold the cycle.
            // One whose line has begun is read to the line's end, since the rest is already on
            // its way (a loaded machine can take longer than the short wait for it), but never
            // past the cycle's deadline.
            if !reading.isEmpty {
                lastAsk.value = askedAt
                readDeadline = eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(20)) {
                    for stream in reading where !stream.lineBegun { stream.readDone() }
                    deadline.onPass { for stream in reading { stream.readDone() } }
                }
            }
            arrived()
        }
        return promise.futureResult
    }

    /// Gives each open plain-HTTP stream connected since the last take a descriptor of its
    /// socket, all in one pass; one still opening waits for a later take, and one whose
    /// descriptor is not found reads through its channel.
    private func findDescriptors() {
        guard !unfound.value.isEmpty else { return }
        let (open, waiting) = (unfound.value.filter { $0.phase == .open }, unfound.value.filter { $0.phase == .opening })
        unfound.value = waiting
        guard !open.isEmpty else { return }
        let found = SocketDescriptor.duplicates(of: Set(open.compactMap(\.connection)))
        for stream in open {
            if let connection = stream.connection { stream.descriptor = found[connection] ?? -1 }
        }
    }

    /// How many lines the stream of site `index` has read and holds for the next take.
    func heldLines(of index: Int) -> EventLoopFuture<Int> {
        eventLoop.submit { [self] in stream(of: index)?.results.count ?? 0 }
    }

    /// How many reads of the stream of site `index` were made straight from its socket.
    func directReads(of index: Int) -> EventLoopFuture<Int> {
        eventLoop.submit { [self] in stream(of: index)?.directReads ?? 0 }
    }

    /// The stream of site `index`, if one was opened.
    private func stream(of index: Int) -> StatusStream? {
        streams.value.indices.contains(index) ? streams.value[index] : nil
    }

    /// Closes every stream.
    public func closeAll() {
        eventLoop.execute { [self] in
            for case let stream? in streams.value { stream.close() }
            streams.value = []
            unfound.value = []
        }
    }

    private func open(
        _ job: Job, timeout: Duration, deadline: CycleDeadline, maxBytes: Int,
        onFirst: @escaping () -> Void, onUnsupported: (@Sendable (Int) -> Void)?
    ) {
        let stream = StatusStream(endpoint: job.endpoint, wholeHistory: job.wholeHistory, maxBytes: maxBytes, decoder: decoder, clock: clock,
                                  rcodeNames: rcodeNames.value)
        if streams.value.count <= job.index { streams.value += Array(repeating: nil, count: job.index + 1 - streams.value.count) }
        streams.value[job.index] = stream
        stream.onFirst = onFirst
        if let onUnsupported {
            let index = job.index
            stream.onUnsupported = { onUnsupported(index) }
        }
        let ms = timeout.wholeMilliseconds
        stream.openDeadline = deadline
        deadline.begin {
            // Only an opening that is still waiting; an open stream outlives its cycle.
            if stream.openDeadline != nil { stream.fail(.timedOut(milliseconds: ms)) }
        }
        let endpoint = job.endpoint
        var request = ByteBuffer()
        request.writeString("GET \(endpoint.basePath)\(job.path) HTTP/1.1\r\n")
        for (name, value) in endpoint.headers where name.lowercased() != "accept" {
            request.writeString("\(name): \(value)\r\n")
        }
        request.writeString("Accept: application/x-ndjson\r\n\r\n")
        let sendable = request
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(ms))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 1024))
            .channelOption(.autoRead, value: false)
            .channelInitializer { [tls] channel in
                channel.eventLoop.makeCompletedFuture {
                    if endpoint.tls {
                        guard let tls else { throw AgentClientError.connection("no TLS settings for an https agent") }
                        // The certificate is checked against the URL's host: a name by SNI, an
                        // address against the peer's address.
                        let name = IPPrefix.isAddress(endpoint.host) ? nil : endpoint.host
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: name))
                    }
                    try channel.pipeline.syncOperations.addHandler(StatusStreamHandler())
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    guard stream.phase != .closed,
                          let handler = try? channel.pipeline.syncOperations.handler(type: StatusStreamHandler.self) else {
                        channel.close(promise: nil)
                        stream.fail(.connection("connection not usable"))
                        return
                    }
                    handler.stream = stream
                    stream.channel = channel
                    if !endpoint.tls, let local = channel.localAddress, let remote = channel.remoteAddress {
                        stream.connection = SocketDescriptor.Connection(local: local, remote: remote)
                        self.unfound.value.append(stream)
                    }
                    channel.writeAndFlush(sendable, promise: nil)
                    stream.asked = true
                    channel.read()
                case .failure(let error):
                    stream.fail(AgentClient.classify(error, timeout: .milliseconds(ms), cap: maxBytes))
                }
            }
    }
}
