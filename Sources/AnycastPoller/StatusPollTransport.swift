import AnycastCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// The poller's hot path: plain-HTTP `GET`s over kept-alive HTTP/1.1 connections (one per
/// agent), with every connection, timer and answer handled on one event loop and no task or
/// thread hand-off per request. With a hundred agents polled every second this costs a
/// fraction of a general-purpose client (BENCHMARKS.md); commands (drain, undrain, events)
/// and TLS agents still go through AsyncHTTPClient.
///
/// Each request has a deadline covering connect, send and the whole body (the cycle's, when
/// the poller gives one); at the deadline the connection is closed and the answer is "timed
/// out after `timeout`".
public final class StatusPollTransport: Sendable {
    public let eventLoop: any EventLoop
    private let idle: NIOLoopBoundBox<[String: [any Channel]]>

    public init(eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()) {
        self.eventLoop = eventLoop
        self.idle = .makeBoxSendingValue([:], eventLoop: eventLoop)
    }

    /// `GET path` from the agent at `endpoint`. The future always succeeds, with the answer or
    /// with why there is none. `keepAlive` false closes the connection after the answer (a
    /// one-off request to an agent that is otherwise followed over a stream).
    public func get(
        _ endpoint: AgentEndpoint, path: String, timeout: Duration, deadline: CycleDeadline? = nil,
        maxBytes: Int = 4 * 1024 * 1024, keepAlive: Bool = true
    ) -> EventLoopFuture<Result<PollResponse, AgentClientError>> {
        let promise = eventLoop.makePromise(of: Result<PollResponse, AgentClientError>.self)
        var headers = endpoint.headers
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.basePath + path, headers: headers)
        let ms = timeout.wholeMilliseconds
        let deadline = deadline ?? CycleDeadline.after(timeout, on: eventLoop)
        let begin: @Sendable () -> Void = { [self] in
            let exchange = PollExchange(endpoint: endpoint, head: head, maxBytes: maxBytes, timeoutMilliseconds: ms, promise: promise)
            exchange.release = { [self] channel, key in self.release(channel, key) }
            exchange.deadline = deadline
            deadline.begin { exchange.fail(.timedOut(milliseconds: ms)) }
            if let channel = takeIdle(endpoint.key) {
                exchange.reused = true
                send(exchange, on: channel)
            } else {
                connect(exchange)
            }
        }
        // Begun at once when called on the loop, so the request counts as waiting before
        // whatever started it (a refused stream) counts as over.
        if eventLoop.inEventLoop { begin() } else { eventLoop.execute(begin) }
        return promise.futureResult
    }

    /// Closes every idle connection.
    public func closeAll() {
        eventLoop.execute { [self] in
            for channels in idle.value.values { for c in channels { c.close(promise: nil) } }
            idle.value = [:]
        }
    }

    private func takeIdle(_ key: String) -> (any Channel)? {
        while var list = idle.value[key], let channel = list.popLast() {
            idle.value[key] = list.isEmpty ? nil : list
            if channel.isActive { return channel }
        }
        return nil
    }

    private func release(_ channel: any Channel, _ key: String) {
        guard channel.isActive else { return }
        var list = idle.value[key] ?? []
        if list.count >= 2 { channel.close(promise: nil); return }
        list.append(channel)
        idle.value[key] = list
    }

    private func connect(_ exchange: PollExchange) {
        let endpoint = exchange.endpoint
        let ms = exchange.timeoutMilliseconds
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(ms))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 1024))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TLSAnswerDetector())
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(PollResponseHandler())
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    if exchange.done { channel.close(promise: nil) } else { send(exchange, on: channel) }
                case .failure(let error):
                    exchange.fail(AgentClient.classify(error, timeout: .milliseconds(ms), cap: exchange.maxBytes))
                }
            }
    }

    private func send(_ exchange: PollExchange, on channel: any Channel) {
        guard !exchange.done else { release(channel, exchange.endpoint.key); return }
        guard let handler = try? channel.pipeline.syncOperations.handler(type: PollResponseHandler.self) else {
            channel.close(promise: nil)
            exchange.fail(.connection("connection not usable"))
            return
        }
        exchange.channel = channel
        handler.exchange = exchange
        handler.onClosedBeforeAnswer = { [self] failed in
            // A kept-alive connection the agent had closed meanwhile: once more on a new one.
            failed.reused = false
            failed.channel = nil
            connect(failed)
        }
        channel.write(HTTPClientRequestPart.head(exchange.head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }
}
