import AnycastCore
import Foundation
import NIOCore
import NIOPosix

/// One request over a DNS server's UNIX control socket, the way Unbound (`UBCT1 ...`) and
/// NSD (`NSDCT1 ...`) speak when `control-interface` is an absolute path (no TLS, no keys):
/// connect, write one line, read everything until the server closes the connection.
///
/// The whole exchange, connect included, has one deadline; the reply is capped (4 MiB by
/// default, far above the ~5 KiB of a `stats_noreset`) so a wrong socket cannot make the
/// agent buffer without end. Every failure is a `BackendError` whose message names the
/// daemon and the socket and says what to check.
public struct ControlSocketExchange: Sendable {
    public static let defaultMaxReplyBytes = 4 << 20

    public let socketPath: String
    /// Who is expected to answer (`unbound`, `nsd`), for messages.
    public let daemon: String
    public let timeout: Duration
    public let maxReplyBytes: Int
    /// The `source` of the errors thrown.
    public let errorSource: String
    let eventLoop: any EventLoop

    public init(socketPath: String, daemon: String, timeout: Duration = .seconds(2),
                maxReplyBytes: Int = ControlSocketExchange.defaultMaxReplyBytes, errorSource: String = "traffic",
                eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()) {
        self.socketPath = socketPath
        self.daemon = daemon
        self.timeout = timeout
        self.maxReplyBytes = maxReplyBytes
        self.errorSource = errorSource
        self.eventLoop = eventLoop
    }

    /// Sends `line` (a `\n` is appended) and returns every byte the server sent before it
    /// closed the connection.
    public func send(_ line: String) async throws(BackendError) -> [UInt8] {
        guard !line.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw failure("the request contains a control character")
        }
        let nanos = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let amount = TimeAmount.nanoseconds(max(1, nanos))
        let promise = eventLoop.makePromise(of: ByteBuffer.self)
        let deadline = eventLoop.scheduleTask(in: amount) { promise.fail(Failure.timedOut) }
        promise.futureResult.whenComplete { _ in deadline.cancel() }

        let limit = maxReplyBytes
        ClientBootstrap(group: eventLoop)
            .connectTimeout(amount)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReadUntilCloseHandler(promise: promise, limit: limit))
                }
            }
            .connect(unixDomainSocketPath: socketPath)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    // Done, failed or timed out (even before the connect completed): close.
                    promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                    var request = channel.allocator.buffer(capacity: line.utf8.count + 1)
                    request.writeString(line)
                    request.writeInteger(UInt8(ascii: "\n"))
                    // A failed write closes the channel: the handler reports what was read.
                    channel.writeAndFlush(request, promise: nil)
                case .failure(let error):
                    promise.fail(Failure.connect(error))
                }
            }

        do {
            var reply = try await promise.futureResult.get()
            return reply.readBytes(length: reply.readableBytes) ?? []
        } catch let error as Failure {
            throw failure(error)
        } catch {
            throw self.failure("\(error)")
        }
    }

    /// Sends a `stats`-style request and parses the `name=value` reply. An empty reply and
    /// an error reply (the daemon prints one line `error ...`, e.g. `error unknown command
    /// 'x'` or `error version mismatch`) throw, with the daemon's own text.
    public func stats(_ line: String) async throws(BackendError) -> StatsText {
        let bytes = try await send(line)
        guard !bytes.isEmpty else {
            throw BackendError(source: errorSource, message: "\(daemon) closed the control connection on \(socketPath) without answering (is this \(daemon)'s control socket?)")
        }
        let firstLine = String(decoding: bytes.prefix(while: { $0 != UInt8(ascii: "\n") }).prefix(300), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if firstLine.hasPrefix("error") {
            throw BackendError(source: errorSource, message: "\(daemon) answered on \(socketPath): \(firstLine)")
        }
        return StatsText(parsing: bytes)
    }

    enum Failure: Error {
        case timedOut
        case tooLarge
        case connect(any Error)
        case io(any Error, received: Int)
    }

    private func failure(_ reason: String) -> BackendError {
        BackendError(source: errorSource, message: "\(daemon) control socket \(socketPath): \(reason)")
    }

    private func failure(_ error: Failure) -> BackendError {
        let ms = timeout.wholeMilliseconds
        switch error {
        case .timedOut:
            return failure("no complete answer within \(ms) ms (is \(daemon) overloaded or stuck, or is something else listening there?)")
        case .tooLarge:
            return failure("the answer exceeds \(maxReplyBytes) bytes; gave up (is this really \(daemon)'s control socket?)")
        case .connect(let error):
            return failure(explain(error))
        case .io(let error, let received):
            return failure("connection lost after \(received) bytes of the answer: \(error)")
        }
    }

    /// "no such socket (...)", "permission denied (...)", "connection refused (...)", ...
    func explain(_ error: any Error) -> String {
        let missing = "no such socket (is \(daemon) running with remote-control `control-enable: yes` and `control-interface: \(socketPath)`?)"
        let denied = "permission denied (the agent's user needs read and write access to the socket and its directory, e.g. membership in \(daemon)'s group)"
        let refused = "connection refused (\(daemon) is not running: the socket file is left over)"
        let notSocket = "not a socket (the path exists but is no control socket: check control-interface)"
        if let io = error as? IOError {
            switch io.errnoCode {
            case ENOENT, ENOTDIR: return missing
            case EACCES, EPERM: return denied
            case ECONNREFUSED: return refused
            case ENOTSOCK: return notSocket
            default: return io.description
            }
        }
        if error is SocketAddressError {
            return "the path cannot be a UNIX socket address (too long? at most 107 bytes)"
        }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return "connect did not complete in time (is \(daemon) stuck?)"
        }
        let text = "\(error)"
        if text.contains("No such file") || text.contains("ENOENT") { return missing }
        if text.contains("ermission denied") { return denied }
        if text.contains("refused") { return refused }
        if text.contains("Socket operation on non-socket") { return notSocket }
        return text
    }
}

/// Collects everything until the server closes; fails at the size cap or on an error.
private final class ReadUntilCloseHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let promise: EventLoopPromise<ByteBuffer>
    private let limit: Int
    private var received: ByteBuffer?
    private var done = false

    init(promise: EventLoopPromise<ByteBuffer>, limit: Int) {
        self.promise = promise
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var chunk = unwrapInboundIn(data)
        if (received?.readableBytes ?? 0) + chunk.readableBytes > limit {
            done = true
            promise.fail(ControlSocketExchange.Failure.tooLarge)
            context.close(promise: nil)
            return
        }
        if received == nil {
            received = chunk
        } else {
            received!.writeBuffer(&chunk)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            promise.succeed(received ?? context.channel.allocator.buffer(capacity: 0))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done {
            done = true
            if received == nil, let io = error as? IOError, io.errnoCode == ECONNRESET || io.errnoCode == EPIPE {
                // Closed before reading the request (the kernel answers our write with a reset):
                // the same as closing without an answer.
                promise.succeed(context.channel.allocator.buffer(capacity: 0))
            } else {
                promise.fail(ControlSocketExchange.Failure.io(error, received: received?.readableBytes ?? 0))
            }
        }
        context.close(promise: nil)
    }
}
