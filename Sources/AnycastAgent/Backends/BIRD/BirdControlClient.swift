import Foundation
import NIOCore
import NIOPosix

/// Speaks BIRD's control-socket protocol (what `birdc` speaks) over the UNIX socket itself.
///
/// One connection is kept and reused; commands are serialized (BIRD answers in order and the
/// reader hands replies to commands first in, first out); every command has a timeout, and a
/// command that times out closes the connection, because its late reply would put the stream
/// out of step. After any failure the next command connects again.
public final class BirdControlClient: Sendable {
    public let socketPath: String
    public let commandTimeout: Duration
    let eventLoop: any EventLoop
    private let connection: NIOLoopBoundBox<EventLoopFuture<any Channel>?>

    public init(socketPath: String, commandTimeout: Duration = .seconds(2),
                eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()) {
        self.socketPath = socketPath
        self.commandTimeout = commandTimeout
        self.eventLoop = eventLoop
        self.connection = .makeBoxSendingValue(nil, eventLoop: eventLoop)
    }

    /// Sends one command line and returns BIRD's complete reply, checked: 8xxx and 9xxx
    /// replies throw `.reply`.
    public func command(_ line: String) async throws(BirdControlError) -> BirdReply {
        guard !line.isEmpty, !line.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw .invalidCommand("empty or contains a control character")
        }
        let ms = commandTimeout.wholeMilliseconds
        let future: EventLoopFuture<BirdReply> = eventLoop.flatSubmit { [self] in
            send(line, timeoutMilliseconds: ms)
        }
        let reply: BirdReply
        do {
            reply = try await future.get()
        } catch let error as BirdControlError {
            throw error
        } catch {
            throw .connectionLost("\(error)")
        }
        do {
            return try reply.checked()
        } catch {
            throw .reply(error)
        }
    }

    /// Closes the connection (the next command opens a new one).
    public func close() {
        eventLoop.execute { [self] in
            connection.value?.whenSuccess { $0.close(promise: nil) }
            connection.value = nil
        }
    }

    private func send(_ line: String, timeoutMilliseconds ms: Int64) -> EventLoopFuture<BirdReply> {
        let promise = eventLoop.makePromise(of: BirdReply.self)
        let timer = eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(ms)) { [self] in
            promise.fail(BirdControlError.timedOut(command: line, milliseconds: ms))
            // The reply may still come: drop the connection so it cannot answer the next command.
            dropConnection()
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        connected(deadlineMilliseconds: ms).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                guard let handler = try? channel.pipeline.syncOperations.handler(type: BirdConnectionHandler.self) else {
                    promise.fail(BirdControlError.connectionLost("connection not usable"))
                    return
                }
                handler.waiting.append(promise)
                var buffer = channel.allocator.buffer(capacity: line.utf8.count + 1)
                buffer.writeString(line)
                buffer.writeInteger(UInt8(ascii: "\n"))
                channel.writeAndFlush(buffer, promise: nil)
            case .failure(let error):
                promise.fail(error)
            }
        }
        return promise.futureResult
    }

    private func dropConnection() {
        connection.value?.whenSuccess { $0.close(promise: nil) }
        connection.value = nil
    }

    /// The open connection, or a new one once BIRD's greeting has arrived.
    private func connected(deadlineMilliseconds ms: Int64) -> EventLoopFuture<any Channel> {
        if let existing = connection.value {
            return existing.flatMap { channel in
                channel.isActive ? channel.eventLoop.makeSucceededFuture(channel) : self.reconnect(ms)
            }
        }
        return reconnect(ms)
    }

    private func reconnect(_ ms: Int64) -> EventLoopFuture<any Channel> {
        let path = socketPath
        let greeting = eventLoop.makePromise(of: BirdReply.self)
        let future = ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(ms))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = BirdConnectionHandler()
                    handler.greeting = greeting
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(unixDomainSocketPath: path)
            .flatMapError { error in
                greeting.fail(error)
                return self.eventLoop.makeFailedFuture(BirdControlError.unreachable(socket: path, reason: Self.explain(error)))
            }
            .flatMap { channel in
                // A BIRD that accepts but never greets: give up on this socket at the deadline
                // (closing it fails the greeting) instead of leaving it open after the command timed out.
                let giveUp = channel.eventLoop.scheduleTask(in: .milliseconds(ms)) { channel.close(promise: nil) }
                greeting.futureResult.whenComplete { _ in giveUp.cancel() }
                return greeting.futureResult.flatMapThrowing { reply in
                    guard reply.finalCode == 1 else {
                        channel.close(promise: nil)
                        throw BirdControlError.connectionLost("unexpected greeting: \(reply.lines.first?.text ?? "")")
                    }
                    return channel
                }
            }
        connection.value = future
        future.whenFailure { [self] _ in
            eventLoop.execute { if self.connection.value === future { self.connection.value = nil } }
        }
        return future
    }

    /// "no such file (is bird running?)", "permission denied", "connection refused", ...
    static func explain(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ENOENT: return "no such socket (is bird running, and is the path right?)"
            case EACCES, EPERM: return "permission denied (the agent's user needs access to the socket, e.g. group bird)"
            case ECONNREFUSED: return "connection refused (bird is not running)"
            default: return io.description
            }
        }
        let text = "\(error)"
        if text.contains("No such file") { return "no such socket (is bird running, and is the path right?)" }
        if text.contains("ermission denied") { return "permission denied (the agent's user needs access to the socket, e.g. group bird)" }
        if text.contains("refused") { return "connection refused (bird is not running)" }
        return text
    }
}
