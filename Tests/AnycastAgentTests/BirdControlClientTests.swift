import AnycastAgent
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The control-socket client against a fake BIRD on a real UNIX socket: it greets with the
/// captured greeting and answers each command line with a captured reply (Fixtures/bird),
/// as the test's script says: whole or one byte per write, never, or by closing the connection.
@Suite struct BirdControlClientTests {
    // MARK: - Fixtures

    static let now = Date(timeIntervalSince1970: 1_795_811_400)  // 2026-11-27 20:30:00 UTC, after the captures

    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/bird/\(name).txt")
        return Array(try Data(contentsOf: url))
    }

    /// What the client should hand back for a capture holding one reply.
    static func framed(_ name: String) throws -> BirdReply {
        var reader = BirdReplyReader()
        let replies = try reader.feed(fixture(name))
        try #require(replies.count == 1, "\(name) should hold one reply")
        return replies[0]
    }

    // MARK: - Fake BIRD

    struct Script: Sendable {
        /// Command line (without the newline) → reply bytes. Unknown commands get BIRD's 9001.
        var replies: [String: [UInt8]] = [:]
        /// Commands that are read and never answered.
        var silent: Set<String> = []
        /// Write the greeting and replies one byte per write, each flushed on its own.
        var oneBytePerWrite = false
        /// Send the greeting on connect (a hung BIRD accepts and says nothing).
        var greet = true
        /// Connections (1 = the first accepted) closed by the server right after the greeting.
        var closeAfterGreeting: Set<Int> = []
    }

    final class Stats: Sendable {
        let accepted = Atomic<Int>(0)
        let closed = Atomic<Int>(0)
        let writes = Atomic<Int>(0)
        let received = Mutex<[String]>([])

        var acceptedCount: Int { accepted.load(ordering: .relaxed) }
        var closedCount: Int { closed.load(ordering: .relaxed) }
        var writeCount: Int { writes.load(ordering: .relaxed) }
        var commands: [String] { received.withLock { $0 } }
    }

    /// One accepted connection of the fake BIRD. Confined to its channel's event loop.
    final class FakeBirdHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let script: Script
        let stats: Stats
        let greeting: [UInt8]
        let unknown: [UInt8]
        private var line: [UInt8] = []
        private var queue: [UInt8] = []
        private var pumping = false

        init(script: Script, stats: Stats, greeting: [UInt8], unknown: [UInt8]) {
            self.script = script
            self.stats = stats
            self.greeting = greeting
            self.unknown = unknown
        }

        func channelActive(context: ChannelHandlerContext) {
            let number = stats.accepted.add(1, ordering: .relaxed).newValue
            if script.closeAfterGreeting.contains(number) {
                stats.writes.add(1, ordering: .relaxed)
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: greeting))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
            } else if script.greet {
                send(greeting, context: context)
            }
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            stats.closed.add(1, ordering: .relaxed)
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            for byte in unwrapInboundIn(data).readableBytesView {
                guard byte == UInt8(ascii: "\n") else { line.append(byte); continue }
                let command = String(decoding: line, as: UTF8.self)
                line = []
                stats.received.withLock { $0.append(command) }
                if script.silent.contains(command) { continue }
                send(script.replies[command] ?? unknown, context: context)
            }
        }

        private func send(_ bytes: [UInt8], context: ChannelHandlerContext) {
            guard script.oneBytePerWrite else {
                stats.writes.add(1, ordering: .relaxed)
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
                return
            }
            queue.append(contentsOf: bytes)
            if !pumping {
                pumping = true
                pump(context: context)
            }
        }

        /// Writes and flushes one byte, then lets the event loop run (so the client can read)
        /// before the next.
        private func pump(context: ChannelHandlerContext) {
            guard !queue.isEmpty, context.channel.isActive else {
                pumping = false
                return
            }
            let byte = queue.removeFirst()
            stats.writes.add(1, ordering: .relaxed)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: [byte])), promise: nil)
            context.eventLoop.assumeIsolated().execute { self.pump(context: context) }
        }
    }

    struct FakeBird {
        let server: any Channel
        let path: String
        let stats: Stats
    }

    /// A fresh short temp directory (UNIX socket paths are limited to ~107 bytes), removed afterwards.
    static func withTempDirectory<R>(_ body: (String) async throws -> R) async throws -> R {
        let directory = "/tmp/bcc-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        do {
            let result = try await body(directory)
            try? FileManager.default.removeItem(atPath: directory)
            return result
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    static func bind(_ script: Script, at path: String) async throws -> FakeBird {
        let stats = Stats()
        let greeting = try fixture("greeting")
        let unknown = try fixture("error-garbage")
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(
                        FakeBirdHandler(script: script, stats: stats, greeting: greeting, unknown: unknown))
                }
            }
            .bind(unixDomainSocketPath: path).get()
        return FakeBird(server: server, path: path, stats: stats)
    }

    /// Runs `body` with a fake BIRD listening on a fresh socket; stops it and removes the socket afterwards.
    static func withFakeBird<R>(_ script: Script, _ body: (FakeBird) async throws -> R) async throws -> R {
        try await withTempDirectory { directory in
            let bird = try await bind(script, at: "\(directory)/b.ctl")
            do {
                let result = try await body(bird)
                try? await bird.server.close()
                return result
            } catch {
                try? await bird.server.close()
                throw error
            }
        }
    }

    /// Waits (polling) until `condition` holds, at most `timeout`.
    static func eventually(within timeout: Duration = .seconds(3), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    // MARK: - Replies

    @Test func aCommandGetsItsReplyParsed() async throws {
        let script = Script(replies: ["show protocols all upstream": try Self.fixture("show-protocols-all-upstream-established")])
        try await Self.withFakeBird(script) { bird in
            let client = BirdControlClient(socketPath: bird.path)
            defer { client.close() }
            let reply = try await client.command("show protocols all upstream")
            #expect(reply == (try Self.framed("show-protocols-all-upstream-established")))
            let upstream = try #require(try BirdProtocolParser.parse(reply, now: Self.now).first { $0.name == "upstream" })
            #expect(upstream.proto == "BGP")
            #expect(upstream.bgpState == "Established")
            #expect(bird.stats.commands == ["show protocols all upstream"])
        }
    }

    @Test func aReplyWrittenOneBytePerWriteIsTheSameReply() async throws {
        let bytes = try Self.fixture("show-protocols-all-upstream-established")
        let script = Script(replies: ["show protocols all upstream": bytes], oneBytePerWrite: true)
        try await Self.withFakeBird(script) { bird in
            let client = BirdControlClient(socketPath: bird.path)
            defer { client.close() }
            let reply = try await client.command("show protocols all upstream")
            #expect(reply == (try Self.framed("show-protocols-all-upstream-established")))
            let greeting = try Self.fixture("greeting")
            #expect(bird.stats.writeCount == greeting.count + bytes.count, "greeting and reply went one byte per write")
        }
    }

    /// Five commands at once over one connection: each gets its own reply (by content), so
    /// they were sent in order and replies handed out first in, first out. Also with replies
    /// trickling in one byte per write while the later commands wait.
    @Test(arguments: [false, true])
    func concurrentCommandsShareOneConnectionAndGetTheirOwnReplies(oneBytePerWrite: Bool) async throws {
        let captures = [
            "show status": "show-status",
            "show protocols": "show-protocols",
            "show protocols all upstream": "show-protocols-all-upstream-established",
            "show route export upstream": "show-route-export-upstream",
            "show protocols all anycast4": "show-protocols-all-anycast4-disabled",
        ]
        var script = Script(oneBytePerWrite: oneBytePerWrite)
        for (command, name) in captures { script.replies[command] = try Self.fixture(name) }
        try await Self.withFakeBird(script) { bird in
            let client = BirdControlClient(socketPath: bird.path)
            defer { client.close() }
            let replies = try await withThrowingTaskGroup(of: (String, BirdReply).self) { group in
                for command in captures.keys {
                    group.addTask { (command, try await client.command(command)) }
                }
                var replies: [String: BirdReply] = [:]
                for try await (command, reply) in group { replies[command] = reply }
                return replies
            }
            #expect(replies.count == captures.count)
            for (command, name) in captures {
                #expect(replies[command] == (try Self.framed(name)), "reply to \(command)")
            }
            #expect(bird.stats.acceptedCount == 1, "one connection for all five commands")
            #expect(Set(bird.stats.commands) == Set(captures.keys))
        }
    }

    // MARK: - Failures

    @Test func aCommandNeverAnsweredTimesOutAndTheNextUsesANewConnection() async throws {
        let script = Script(replies: ["show status": try Self.fixture("show-status")], silent: ["show hang"])
        try await Self.withFakeBird(script) { bird in
            // Long enough for the second command's new connection under CI's parallel load.
            let client = BirdControlClient(socketPath: bird.path, commandTimeout: .milliseconds(1500))
            defer { client.close() }
            let started = ContinuousClock.now
            let error = await #expect(throws: BirdControlError.self) { try await client.command("show hang") }
            let elapsed = ContinuousClock.now - started
            #expect(error == .timedOut(command: "show hang", milliseconds: 1500))
            #expect(elapsed < .seconds(5), "took \(elapsed)")
            #expect(await Self.eventually { bird.stats.closedCount == 1 }, "the timed-out connection is closed")

            let reply = try await client.command("show status")
            #expect(reply == (try Self.framed("show-status")))
            #expect(bird.stats.acceptedCount == 2, "a new connection after the timeout")
        }
    }

    /// A BIRD that accepts but never greets: the command times out and the half-open
    /// connection is closed (not left open until BIRD wakes up).
    @Test func noGreetingTimesOutAndClosesTheSocket() async throws {
        try await Self.withFakeBird(Script(greet: false)) { bird in
            let client = BirdControlClient(socketPath: bird.path, commandTimeout: .milliseconds(300))
            defer { client.close() }
            let error = await #expect(throws: BirdControlError.self) { try await client.command("show status") }
            #expect(error == .timedOut(command: "show status", milliseconds: 300))
            #expect(await Self.eventually { bird.stats.closedCount == 1 }, "the client closes the connection it gave up on")
            #expect(bird.stats.commands.isEmpty, "nothing is sent before the greeting")
        }
    }

    @Test func errorRepliesThrowAndAlreadyDisabledDoesNot() async throws {
        let script = Script(replies: [
            #"show protocols all "nosuch*""#: try Self.fixture("error-no-protocols-match"),
            "foo bar": try Self.fixture("error-garbage"),
            "disable nosuchproto": try Self.fixture("error-disable-undefined"),
            "disable anycast4": try Self.fixture("disable-anycast4-already"),
        ])
        try await Self.withFakeBird(script) { bird in
            let client = BirdControlClient(socketPath: bird.path)
            defer { client.close() }
            let runtime = await #expect(throws: BirdControlError.self) { try await client.command(#"show protocols all "nosuch*""#) }
            #expect(runtime == .reply(.runtime(code: 8003, message: "No protocols match")))

            let garbage = await #expect(throws: BirdControlError.self) { try await client.command("foo bar") }
            #expect(garbage == .reply(.syntax(code: 9001, message: "syntax error, unexpected CF_SYM_UNDEFINED")))

            let undefined = await #expect(throws: BirdControlError.self) { try await client.command("disable nosuchproto") }
            guard case .reply(.syntax(let code, let message)) = undefined else {
                Issue.record("expected a syntax error, got \(String(describing: undefined))")
                return
            }
            #expect(code == 9001 && message.hasPrefix("syntax error"))

            let already = try await client.command("disable anycast4")
            #expect(already.finalCode == 0)
            #expect(already.lines.first == BirdReplyLine(code: 8, text: "anycast4: already disabled"))
            #expect(bird.stats.acceptedCount == 1, "an error reply leaves the connection usable")
        }
    }

    @Test func aMissingSocketIsUnreachable() async throws {
        try await Self.withTempDirectory { directory in
            let path = "\(directory)/b.ctl"
            let client = BirdControlClient(socketPath: path, commandTimeout: .seconds(1))
            let error = await #expect(throws: BirdControlError.self) { try await client.command("show status") }
            guard case .unreachable(let socket, _) = error else {
                Issue.record("expected .unreachable, got \(String(describing: error))")
                return
            }
            #expect(socket == path)
            #expect(error?.description.contains("no such socket") == true, "\(String(describing: error))")
        }
    }

    /// A socket file nobody listens on any more (BIRD died without removing it). NIO removes
    /// its socket file on close, so a hard link to it stands in for the stale file.
    @Test func aStaleSocketIsRefused() async throws {
        try await Self.withTempDirectory { directory in
            let bird = try await Self.bind(Script(), at: "\(directory)/b.ctl")
            let stale = "\(directory)/stale.ctl"
            try FileManager.default.linkItem(atPath: bird.path, toPath: stale)
            try await bird.server.close()
            let client = BirdControlClient(socketPath: stale, commandTimeout: .seconds(1))
            let error = await #expect(throws: BirdControlError.self) { try await client.command("show status") }
            #expect(error == .unreachable(socket: stale, reason: "connection refused (bird is not running)"))
        }
    }

    /// Root bypasses file permissions (a mode-000 socket still connects), so this runs only as another user.
    @Test(.enabled(if: geteuid() != 0, "root bypasses file permissions"))
    func aSocketWithoutPermissionIsDenied() async throws {
        try await Self.withFakeBird(Script()) { bird in
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: bird.path)
            let client = BirdControlClient(socketPath: bird.path, commandTimeout: .seconds(1))
            let error = await #expect(throws: BirdControlError.self) { try await client.command("show status") }
            #expect(error?.description.contains("permission denied") == true, "\(String(describing: error))")
            #expect(bird.stats.acceptedCount == 0)
        }
    }

    /// The contract: the command on the connection that closed reports it; the next reconnects and works.
    @Test func aConnectionClosedAfterTheGreetingFailsTheCommandAndTheNextReconnects() async throws {
        let script = Script(replies: ["show status": try Self.fixture("show-status")], closeAfterGreeting: [1])
        try await Self.withFakeBird(script) { bird in
            let client = BirdControlClient(socketPath: bird.path)
            defer { client.close() }
            let error = await #expect(throws: BirdControlError.self) { try await client.command("show status") }
            guard case .connectionLost = error else {
                Issue.record("expected .connectionLost, got \(String(describing: error))")
                return
            }
            let reply = try await client.command("show status")
            #expect(reply == (try Self.framed("show-status")))
            #expect(bird.stats.acceptedCount == 2)
        }
    }

    @Test func aCommandWithALineBreakIsNotSent() async throws {
        let script = Script(replies: ["show status": try Self.fixture("show-status")])
        try await Self.withFakeBird(script) { bird in
            let client = BirdControlClient(socketPath: bird.path)
            defer { client.close() }
            for bad in ["show status\ndisable anycast4", "show status\n", "show status\r", ""] {
                let error = await #expect(throws: BirdControlError.self) { try await client.command(bad) }
                guard case .invalidCommand = error else {
                    Issue.record("\(bad.debugDescription): expected .invalidCommand, got \(String(describing: error))")
                    continue
                }
            }
            #expect(bird.stats.acceptedCount == 0, "nothing was sent, not even a connection opened")
            _ = try await client.command("show status")
            #expect(bird.stats.commands == ["show status"])
        }
    }
}
