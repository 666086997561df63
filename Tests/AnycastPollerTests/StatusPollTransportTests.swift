import AnycastCore
import AnycastPoller
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The poll transport against a raw TCP server that answers each request as told: keep-alive
/// reuse, a kept-alive connection the server dropped, `Connection: close`, a body over the cap
/// and a server that sends its head and then stalls.
@Suite struct StatusPollTransportTests {
    enum Behaviour: Sendable {
        case answer(body: String, close: Bool, announceClose: Bool)
        case stallAfterHead
    }

    /// Answers every request (a block ending in an empty line) with `behaviour`.
    final class RawAgent: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let behaviour: Behaviour
        init(_ behaviour: Behaviour) { self.behaviour = behaviour }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            guard text.contains("\r\n\r\n") else { return }
            switch behaviour {
            case .answer(let body, let close, let announce):
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" + (announce ? "Connection: close\r\n" : "") + "\r\n"
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head + body)), promise: nil)
                if close { context.close(promise: nil) }
            case .stallAfterHead:
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"a\":")), promise: nil)
            }
        }
    }

    final class Counter: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let count: @Sendable () -> Void
        init(_ count: @escaping @Sendable () -> Void) { self.count = count }
        func channelActive(context: ChannelHandlerContext) { count(); context.fireChannelActive() }
    }

    func start(_ behaviour: Behaviour) async throws -> (any Channel, @Sendable () -> Int) {
        let counter = CountBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Counter { counter.add() })
                    try child.pipeline.syncOperations.addHandler(RawAgent(behaviour))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return (channel, { counter.value })
    }

    final class CountBox: Sendable {
        let n = Atomic<Int>(0)
        func add() { n.add(1, ordering: .relaxed) }
        var value: Int { n.load(ordering: .relaxed) }
    }

    func endpoint(_ channel: any Channel) -> AgentEndpoint {
        AgentEndpoint(site: SiteConfig(id: "t1", name: "t1", region: "eu", url: "http://127.0.0.1:\(channel.localAddress!.port!)", token: "secret"))!
    }

    @Test func keepsTheConnectionAlive() async throws {
        let (server, connections) = try await start(.answer(body: #"{"ok":1}"#, close: false, announceClose: false))
        let transport = StatusPollTransport()
        for _ in 0..<5 {
            let answer = try await transport.get(endpoint(server), path: "/v1/status/update", timeout: .seconds(1)).get().get()
            #expect(answer.status == 200 && String(buffer: answer.body) == #"{"ok":1}"#)
        }
        #expect(connections() == 1, "five polls, one connection")
        transport.closeAll()
        try await server.close()
    }

    @Test func aConnectionTheAgentDroppedIsReplacedWithoutAnError() async throws {
        // The agent closes after each answer without saying so: the next poll finds the kept
        // connection dead before any answer and goes again on a new one.
        let (server, connections) = try await start(.answer(body: #"{"ok":2}"#, close: true, announceClose: false))
        let transport = StatusPollTransport()
        for _ in 0..<3 {
            let answer = try await transport.get(endpoint(server), path: "/", timeout: .seconds(1)).get()
            #expect((try? answer.get())?.status == 200, "\(answer)")
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(connections() == 3)
        try await server.close()
    }

    @Test func connectionCloseIsHonoured() async throws {
        let (server, connections) = try await start(.answer(body: "{}", close: true, announceClose: true))
        let transport = StatusPollTransport()
        for _ in 0..<2 {
            #expect((try? await transport.get(endpoint(server), path: "/", timeout: .seconds(1)).get().get())?.status == 200)
        }
        #expect(connections() == 2)
        try await server.close()
    }

    @Test func bodyOverTheCapIsRefused() async throws {
        let (server, _) = try await start(.answer(body: String(repeating: "x", count: 10_000), close: false, announceClose: false))
        let answer = try await StatusPollTransport().get(endpoint(server), path: "/", timeout: .seconds(1), maxBytes: 4096).get()
        guard case .failure(let error) = answer else { Issue.record("accepted \(answer)"); return }
        #expect(error == .responseTooLarge(limit: 4096))
        try await server.close()
    }

    @Test func aStalledBodyTimesOutAtTheDeadline() async throws {
        let (server, _) = try await start(.stallAfterHead)
        let clock = ContinuousClock()
        let started = clock.now
        let answer = try await StatusPollTransport().get(endpoint(server), path: "/", timeout: .milliseconds(300)).get()
        let elapsed = clock.now - started
        guard case .failure(let error) = answer else { Issue.record("accepted \(answer)"); return }
        #expect(error == .timedOut(milliseconds: 300))
        #expect(elapsed < .seconds(10), "the deadline covers the body: the server never finishes it, so without the deadline this would never return (took \(elapsed))")
        try await server.close()
    }

    @Test func endpointParsing() throws {
        let v6 = try #require(AgentEndpoint(site: SiteConfig(id: "a", name: "a", region: "eu", url: "https://[2001:db8::1]:9443/agent/")))
        #expect(v6.host == "2001:db8::1" && v6.port == 9443 && v6.tls && v6.basePath == "/agent")
        let plain = try #require(AgentEndpoint(site: SiteConfig(id: "a", name: "a", region: "eu", url: "http://agent.example")))
        #expect(plain.port == 80 && !plain.tls && plain.basePath == "")
        #expect(AgentEndpoint(site: SiteConfig(id: "a", name: "a", region: "eu", url: "ftp://x")) == nil)
    }
}
