import AnycastCore
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How the probe carries its query.
public enum DNSProbeTransport: String, Sendable, Hashable, CaseIterable {
    /// One datagram on a connected UDP socket (so ICMP port unreachable surfaces as an error).
    case udp
    /// One TCP connection per check, message framed by a 2-byte length (RFC 1035 4.2.2).
    case tcp
}

/// Probes a DNS server with one query per `measure()` and keeps a window of the results.
///
/// Each check sends one query with a fresh random id from a fresh socket and waits for the
/// answer; the timeout covers everything (socket, connect, send, answer). Answers whose id or
/// question does not match are counted and ignored, and the wait goes on until the deadline.
/// An answer that matches but is truncated, malformed or carries another rcode than expected
/// fails the check at once. Every check, success or failure, enters the sliding window; a
/// failure is thrown as `ProbeFailure` carrying the window. A cancelled check is not recorded.
public final class DNSProbe: LatencyProbe {
    public let server: String
    public let port: Int
    public let name: String
    public let type: DNSRecordType
    public let expectRcode: DNSRcode
    public let timeout: Duration
    public let transport: DNSProbeTransport
    let group: any EventLoopGroup
    /// The target address and question, or why the configuration cannot be used.
    private let target: Result<(address: SocketAddress, question: DNSQuestion), DNSMessageError>
    private let state: Mutex<State>

    private struct State {
        var window: ProbeWindow
        var mismatchedAnswers = 0
    }

    public init(server: String, port: Int = 53, name: String, type: DNSRecordType, expectRcode: DNSRcode = .noError,
                timeout: Duration = .milliseconds(500), window: Int = 60, transport: DNSProbeTransport = .udp,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.server = server
        self.port = port
        self.name = name
        self.type = type
        self.expectRcode = expectRcode
        self.timeout = timeout
        self.transport = transport
        self.group = eventLoopGroup
        self.state = Mutex(State(window: ProbeWindow(capacity: window)))
        self.target = Result { () throws(DNSMessageError) in
            var host = Substring(server)
            if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
            guard (0...65535).contains(port) else { throw DNSMessageError("port \(port) is out of range") }
            let address: SocketAddress
            do {
                address = try SocketAddress(ipAddress: String(host), port: port)
            } catch {
                throw DNSMessageError("server \"\(server)\" is not an IPv4 or IPv6 address")
            }
            let question = DNSQuestion(name: try DNSName(name), type: type)
            return (address, question)
        }
    }

    /// `203.0.113.53:53` or `[2001:db8::53]:53`, as failure messages name the server.
    public var serverLabel: String {
        var host = server
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The window as it stands.
    public var window: ProbeWindow { state.withLock { $0.window } }

    /// Answers ignored because their id or question did not match, since the probe was made.
    public var mismatchedAnswers: Int { state.withLock { $0.mismatchedAnswers } }

    /// Sends one query, records the outcome, and returns the window's quantiles; throws
    /// `ProbeFailure` (with the window) when the check fails.
    public func measure() async throws -> LatencyStatus {
        let milliseconds: Double
        do {
            milliseconds = try await exchange()
        } catch let error as ExchangeFailure {
            let latency = state.withLock { state in
                state.window.recordFailure()
                return state.window.status
            }
            throw ProbeFailure(message: error.message, latency: latency)
        }
        return state.withLock { state in
            state.window.recordSuccess(milliseconds: milliseconds)
            return state.window.status
        }
    }

    /// One query and its answer; the round trip in milliseconds.
    private func exchange() async throws -> Double {
        let (address, question): (SocketAddress, DNSQuestion)
        switch target {
        case .success(let target): (address, question) = target
        case .failure(let error): throw ExchangeFailure("probe misconfigured: \(error.reason)")
        }
        let id = UInt16.random(in: .min ... .max)
        let check = AnswerCheck(id: id, question: question, expectRcode: expectRcode, serverLabel: serverLabel)
        let query = DNSMessage.query(id: id, name: question.name, type: question.type).encode()
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let loop = group.next()
        let promise = loop.makePromise(of: Double.self)
        let context = ExchangeContext(
            check: check, query: query, deadline: deadline, promise: promise,
            timeoutText: Self.milliseconds(timeout), transport: transport,
            countMismatch: { [weak self] in self?.state.withLock { $0.mismatchedAnswers += 1 } }
        )
        let channel: EventLoopFuture<any Channel>
        switch transport {
        case .udp:
            channel = DatagramBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(UDPAnswerHandler(context))
                    }
                }
                .connect(to: address)
        case .tcp:
            channel = ClientBootstrap(group: loop)
                .connectTimeout(deadline - .now())
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(TCPAnswerHandler(context))
                    }
                }
                .connect(to: address)
        }
        // If the socket cannot even be set up, the handler's timer may never be armed.
        let setupTimer = loop.scheduleTask(deadline: deadline) {
            promise.fail(ExchangeFailure(context.timeoutMessage(mismatches: 0)))
        }
        channel.whenComplete { result in
            setupTimer.cancel()
            switch result {
            case .success(let channel):
                let handlers = channel.pipeline.syncOperations
                if let handler = try? handlers.handler(type: UDPAnswerHandler.self) {
                    handler.send(on: channel)
                } else if let handler = try? handlers.handler(type: TCPAnswerHandler.self) {
                    handler.send(on: channel)
                } else {
                    promise.fail(ExchangeFailure("\(context.transport.rawValue) channel to \(check.serverLabel) not usable"))
                }
            case .failure(let error):
                promise.fail(context.classify(error))
            }
        }
        promise.futureResult.whenComplete { _ in
            setupTimer.cancel()
            channel.whenSuccess { $0.close(promise: nil) }
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            promise.fail(CancellationError())
        }
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let ms = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return ms == ms.rounded() ? "\(Int64(ms)) ms" : "\(ms) ms"
    }
}

/// A failed exchange, before it is recorded in the window.
struct ExchangeFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// What an answer must look like to count as this check's answer, and whether it is a good one.
struct AnswerCheck: Sendable {
    let id: UInt16
    let question: DNSQuestion
    let expectRcode: DNSRcode
    let serverLabel: String

    enum Verdict: Equatable {
        /// Not an answer to this query (other id or question): ignore it and keep waiting.
        case mismatch(String)
        /// The expected answer.
        case success
        /// The answer to this query, but a bad one.
        case failure(String)
    }

    func judge(_ bytes: [UInt8]) -> Verdict {
        let header: DNSHeader
        do {
            header = try DNSHeader(decoding: bytes)
        } catch {
            if bytes.count >= 2, UInt16(bytes[0]) << 8 | UInt16(bytes[1]) != id {
                return .mismatch("short packet with another id")
            }
            return .failure("malformed answer from \(serverLabel): \(error.reason)")
        }
        guard header.id == id else { return .mismatch("id \(header.id), expected \(id)") }
        guard header.isResponse else { return .failure("malformed answer from \(serverLabel): QR bit not set") }
        guard !header.truncated else { return .failure("truncated answer from \(serverLabel) (TC bit set)") }
        let message: DNSMessage
        do {
            message = try DNSMessage(decoding: bytes)
        } catch {
            return .failure("malformed answer from \(serverLabel): \(error.reason)")
        }
        // Error answers (FORMERR and the like) may leave the question out.
        if !(message.questions.isEmpty && header.rcode != .noError) {
            guard message.questions.count == 1, message.questions[0].matches(question) else {
                return .mismatch("question does not match")
            }
        }
        guard header.rcode == expectRcode else {
            return .failure("\(serverLabel) answered \(header.rcode.name), expected \(expectRcode.name)")
        }
        return .success
    }
}

/// Everything one exchange's handler needs; built off the loop, so only Sendable parts.
struct ExchangeContext: Sendable {
    let check: AnswerCheck
    let query: [UInt8]
    let deadline: NIODeadline
    let promise: EventLoopPromise<Double>
    let timeoutText: String
    let transport: DNSProbeTransport
    let countMismatch: @Sendable () -> Void

    func timeoutMessage(mismatches: Int) -> String {
        if mismatches > 0 {
            return "no matching answer from \(check.serverLabel) within \(timeoutText) "
                + "(\(mismatches) answer\(mismatches == 1 ? "" : "s") with another id or question ignored)"
        }
        return "no answer from \(check.serverLabel) within \(timeoutText)"
    }

    /// Turns a socket error into the failure operators should read.
    func classify(_ error: any Error) -> ExchangeFailure {
        if let failure = error as? ExchangeFailure { return failure }
        if Self.isConnectionRefused(error) {
            let what = transport == .udp ? "port unreachable" : "connection refused"
            return ExchangeFailure("\(what): nothing listens on \(check.serverLabel) (\(transport.rawValue))")
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return ExchangeFailure(timeoutMessage(mismatches: 0))
        }
        return ExchangeFailure("\(transport.rawValue) error with \(check.serverLabel): \(error)")
    }

    static func isConnectionRefused(_ error: any Error) -> Bool {
        if let error = error as? IOError { return error.errnoCode == ECONNREFUSED }
        if let error = error as? NIOConnectionError {
            return error.connectionErrors.contains { isConnectionRefused($0.error) }
        }
        return false
    }
}

/// The loop-bound part shared by the UDP and TCP handlers: sends the query, judges what
/// comes back, owns the deadline.
class ExchangeHandlerBox {
    let context: ExchangeContext
    private var sentAt: NIODeadline?
    private var mismatches = 0
    private var timer: Scheduled<Void>?

    init(_ context: ExchangeContext) {
        self.context = context
    }

    func arm(on loop: any EventLoop) {
        let isolated = loop.assumeIsolated()
        timer = isolated.scheduleTask(deadline: context.deadline) { [self] in
            fail(ExchangeFailure(context.timeoutMessage(mismatches: mismatches)))
        }
        context.promise.futureResult.assumeIsolated().whenComplete { [self] _ in
            timer?.cancel()
        }
    }

    func send(on channel: any Channel) {
        sentAt = .now()
        channel.writeAndFlush(frame(context.query, allocator: channel.allocator)).assumeIsolated().whenFailure { [self] error in
            fail(context.classify(error))
        }
    }

    /// The query as it goes on the wire (TCP adds the length).
    func frame(_ bytes: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        allocator.buffer(bytes: bytes)
    }

    func received(_ bytes: [UInt8]) {
        switch context.check.judge(bytes) {
        case .mismatch:
            mismatches += 1
            context.countMismatch()
        case .success:
            let elapsed = NIODeadline.now() - (sentAt ?? .now())
            context.promise.succeed(Double(elapsed.nanoseconds) / 1_000_000)
        case .failure(let message):
            fail(ExchangeFailure(message))
        }
    }

    func fail(_ error: any Error) {
        context.promise.fail(context.classify(error))
    }
}

/// Reads datagrams from the connected UDP socket.
final class UDPAnswerHandler: ExchangeHandlerBox, ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    func handlerAdded(context: ChannelHandlerContext) {
        arm(on: context.eventLoop)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        received(envelope.data.readBytes(length: envelope.data.readableBytes) ?? [])
    }

    /// ICMP port unreachable comes back as ECONNREFUSED on the connected socket.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
    }
}

/// Reads length-framed messages from the TCP connection.
final class TCPAnswerHandler: ExchangeHandlerBox, ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var pending = ByteBuffer()

    func handlerAdded(context: ChannelHandlerContext) {
        arm(on: context.eventLoop)
    }

    override func frame(_ bytes: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: bytes.count + 2)
        buffer.writeInteger(UInt16(bytes.count))
        buffer.writeBytes(bytes)
        return buffer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        pending.writeBuffer(&incoming)
        while let length = pending.getInteger(at: pending.readerIndex, as: UInt16.self),
              pending.readableBytes >= 2 + Int(length) {
            pending.moveReaderIndex(forwardBy: 2)
            received(pending.readBytes(length: Int(length)) ?? [])
        }
        pending.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ExchangeFailure("\(self.context.check.serverLabel) closed the TCP connection without a matching answer"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }
}
