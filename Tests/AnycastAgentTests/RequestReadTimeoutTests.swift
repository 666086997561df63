import AnycastAgent
import AnycastCore
import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Slowloris: a client that sends its request too slowly, or holds an idle connection, is cut
/// off after the read timeout; an answer being sent (a status stream) is never cut.
@Suite(.serialized) struct RequestReadTimeoutTests {
    /// Collects what the agent sends and whether it closed.
    final class Reader: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex("")
        let closed = Mutex(false)
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            received.withLock { $0 += text }
        }
        func channelInactive(context: ChannelHandlerContext) { closed.withLock { $0 = true } }
    }

    func withAgent(_ body: (Int) async throws -> Void) async throws {
        let agent = await TestAgent.make()
        let port = Mutex(0)
        let app = AgentServer.application(agent: agent, tokens: TestAgent.tokens, host: "127.0.0.1", port: 0,
                                          requestReadTimeout: .milliseconds(400), onListening: { p in port.withLock { $0 = p } })
        let task = Task { try await app.run() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await body(port.withLock { $0 })
        task.cancel()
        _ = try? await task.value
    }

    func connect(_ port: Int) async throws -> (any Channel, Reader) {
        let reader = Reader()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(reader) } }
            .connect(host: "127.0.0.1", port: port).get()
        return (channel, reader)
    }

    @Test func aRequestTrickledInIsCutOffAtTheTimeout() async throws {
        try await withAgent { port in
            let (channel, reader) = try await connect(port)
            for piece in ["GET /v1/st", "atus HTTP/1.1\r\n", "Host: a\r\n"] {
                try? await channel.writeAndFlush(ByteBuffer(string: piece))  // the last may find it closed already
                try await Task.sleep(for: .milliseconds(200))
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(reader.closed.withLock { $0 }, "closed 400 ms after the connection began, the request still unfinished")
            #expect(reader.received.withLock { $0 }.isEmpty)
        }
    }

    @Test func aSlowBodyIsCutOffToo() async throws {
        try await withAgent { port in
            let (channel, reader) = try await connect(port)
            try? await channel.writeAndFlush(ByteBuffer(string: "POST /v1/drain HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer operate-secret\r\nContent-Length: 100\r\n\r\n{"))
            try await Task.sleep(for: .milliseconds(700))
            #expect(reader.closed.withLock { $0 }, "the body did not arrive within the timeout")
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosedButAStreamIsNot() async throws {
        try await withAgent { port in
            let (polling, pollReader) = try await connect(port)
            try await polling.writeAndFlush(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"))
            let (streaming, streamReader) = try await connect(port)
            try await streaming.writeAndFlush(ByteBuffer(string: "GET /v1/status/stream?history=0 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer read-secret\r\n\r\n"))
            try await Task.sleep(for: .milliseconds(200))
            #expect(pollReader.received.withLock { $0 }.hasPrefix("HTTP/1.1 200"))
            #expect(!pollReader.closed.withLock { $0 }, "answered and kept alive")
            try await Task.sleep(for: .milliseconds(1300))
            #expect(pollReader.closed.withLock { $0 }, "idle for longer than the timeout: closed")
            #expect(!streamReader.closed.withLock { $0 }, "a stream being sent is not a slow request")
            #expect(streamReader.received.withLock { $0 }.components(separatedBy: "\"revision\"").count >= 3, "and it kept sending lines")
            try await streaming.close()
        }
    }
}
