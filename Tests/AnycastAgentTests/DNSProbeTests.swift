import AnycastAgent
import AnycastCore
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The DNS probe: its wire encoder/decoder, its window, and whole checks against a fake UDP
/// DNS server in the test (which answers as its script says) and against a real unbound.
@Suite struct DNSProbeTests {
    /// The wait for a server that does answer: generous, because CI runs the suites in
    /// parallel on two cores; what each test asserts does not depend on it.
    static let answered: Duration = .seconds(5)

    // MARK: - Encoder

    /// What `dig @127.0.0.1 -p P +noedns +noadflag site.example.test TXT` (DiG 9.18.49) sent,
    /// captured from a UDP listener: id e6f4, RD, one question, no EDNS.
    static let digQuery: [UInt8] = [
        0xe6, 0xf4, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x04, 0x73, 0x69, 0x74, 0x65,  // "site"
        0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,  // "example"
        0x04, 0x74, 0x65, 0x73, 0x74, 0x00,  // "test", root
        0x00, 0x10, 0x00, 0x01,  // TXT, IN
    ]

    @Test func queryEncodesLikeDig() throws {
        let query = DNSMessage.query(id: 0xe6f4, name: try DNSName("site.example.test"), type: .txt)
        #expect(query.encode() == Self.digQuery)
        // The trailing dot makes no difference.
        #expect(DNSMessage.query(id: 0xe6f4, name: try DNSName("site.example.test."), type: .txt).encode() == Self.digQuery)
    }

    @Test func headerFlagsRoundTrip() throws {
        let header = DNSHeader(id: 0x1234, isResponse: true, opcode: 2, authoritative: true, truncated: true,
                               recursionDesired: true, recursionAvailable: true, rcode: .refused)
        // QR=1 opcode=2 AA TC RD | RA rcode=5
        #expect(header.flags == 0b1_0010_1_1_1_1_000_0101)
        let bytes = DNSMessage(header: header).encode()
        #expect(bytes == [0x12, 0x34, 0x97, 0x85, 0, 0, 0, 0, 0, 0, 0, 0])
        let decoded = try DNSHeader(decoding: bytes)
        #expect(decoded == header)
    }

    @Test func nameLengthChecks() throws {
        let label63 = String(repeating: "a", count: 63)
        #expect(try DNSName("\(label63).test").labels.count == 2)
        #expect(throws: DNSMessageError.self) { try DNSName(String(repeating: "a", count: 64) + ".test") }
        for bad in ["", "a..b", ".a", "a.b..", ".."] {
            #expect(throws: DNSMessageError.self, "\"\(bad)\"") { try DNSName(bad) }
        }
        #expect(try DNSName(".") == .root)
        #expect(DNSName.root.wireLength == 1)
        // 3 × (1 + 63) + (1 + 61) + 1 = 255 bytes: the longest name.
        let longest = [label63, label63, label63, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(try DNSName(longest).wireLength == 255)
        #expect(throws: DNSMessageError.self) { try DNSName(longest + "b") }
        #expect(try DNSName("Site.Example.TEST").matches(try DNSName("site.example.test")))
        #expect(!(try DNSName("site.example.test").matches(try DNSName("site.example"))))
    }

    @Test func typesAndRcodesByNameAndNumber() {
        #expect(DNSRecordType(name: "txt") == .txt)
        #expect(DNSRecordType.txt.rawValue == 16)
        #expect(DNSRecordType.aaaa.rawValue == 28)
        #expect(DNSRecordType.any.rawValue == 255)
        #expect(DNSRecordType(name: "TYPE65") == .https)
        #expect(DNSRecordType(rawValue: 999).name == "TYPE999")
        #expect(DNSRecordType(name: "BOGUS") == nil)
        for (name, number) in [("NOERROR", 0), ("FORMERR", 1), ("SERVFAIL", 2), ("NXDOMAIN", 3), ("NOTIMP", 4), ("REFUSED", 5)] {
            #expect(DNSRcode(name: name)?.rawValue == UInt8(number))
            #expect(DNSRcode(rawValue: UInt8(number)).name == name)
        }
        #expect(DNSRcode(rawValue: 12).name == "RCODE12")
    }

    // MARK: - Decoder

    /// An answer to the dig query, the answer's owner compressed to the question (C0 0C).
    static let compressedAnswer: [UInt8] = {
        var bytes = DNSProbeTests.digQuery
        bytes[2] = 0x85; bytes[3] = 0x80  // QR AA RD RA, NOERROR
        bytes[7] = 1  // ANCOUNT
        bytes += [0xC0, 0x0C, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x0E, 0x10, 0x00, 0x03, 0x02, 0x73, 0x31]
        return bytes
    }()

    @Test func decodesCompressedAnswer() throws {
        let message = try DNSMessage(decoding: Self.compressedAnswer)
        #expect(message.header.id == 0xe6f4)
        #expect(message.header.isResponse && message.header.authoritative && message.header.recursionAvailable)
        #expect(message.header.rcode == .noError)
        #expect(message.questions == [DNSQuestion(name: try DNSName("site.example.test"), type: .txt)])
        #expect(message.answers.count == 1)
        #expect(message.answers[0].name.description == "site.example.test")
        #expect(message.answers[0].ttl == 3600)
        #expect(message.answers[0].txtStrings == ["s1"])
    }

    @Test func everyPrefixOfAnAnswerIsRejectedNotCrashed() {
        for length in 0..<Self.compressedAnswer.count {
            #expect(throws: DNSMessageError.self, "\(length) bytes") {
                try DNSMessage(decoding: Array(Self.compressedAnswer.prefix(length)))
            }
        }
    }

    @Test func compressionLoopsAreMalformed() throws {
        let header: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]
        let hostile: [(String, [UInt8])] = [
            ("pointer to itself", header + [0xC0, 0x0C, 0, 16, 0, 1]),
            ("label then pointer back to its own start", header + [0x01, 0x61, 0xC0, 0x0C, 0, 16, 0, 1]),
            ("forward pointer", header + [0xC0, 0x0E, 0x01, 0x61, 0x00, 0, 16, 0, 1]),
            ("pointer into the header pointing onward", header + [0xC0, 0x02, 0, 16, 0, 1]),
            ("two pointers at each other", header + [0xC0, 0x0E, 0xC0, 0x0C, 0, 16, 0, 1]),
            ("pointer cut short", header + [0xC0]),
            ("reserved label type", header + [0x40, 0x61, 0x00, 0, 16, 0, 1]),
            ("label past the end", header + [0x3F, 0x61, 0x62]),
            ("answer count without answers", [0, 1, 0x81, 0x80, 0, 0, 0, 5, 0, 0, 0, 0]),
            ("rdata longer than the packet", Array(Self.compressedAnswer.dropLast(1))),
        ]
        for (what, bytes) in hostile {
            #expect(throws: DNSMessageError.self, "\(what)") { try DNSMessage(decoding: bytes) }
        }
        // 200 questions, each one label in front of the previous name (a legal backward
        // pointer): names grow by 2 bytes each, and the 128th breaks the 255-byte limit.
        var chain: [UInt8] = [0, 1, 0x81, 0x80, 0, 200, 0, 0, 0, 0, 0, 0]
        chain += [0x01, 0x61, 0x00, 0, 16, 0, 1]  // "a" at 12
        var previous = 12
        for _ in 1..<200 {
            let start = chain.count
            chain += [0x01, 0x61, 0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF), 0, 16, 0, 1]
            previous = start
        }
        #expect(throws: DNSMessageError("name longer than 255 bytes")) { try DNSMessage(decoding: chain) }
        // The same chain cut to 100 questions is a legal (if odd) message.
        chain[5] = 100
        #expect(try DNSMessage(decoding: chain).questions.last?.name.labels.count == 100)
    }

    @Test func randomGarbageNeverCrashes() {
        var generator = SeededRandom(seed: 0xD15EA5E)
        for round in 0..<5_000 {
            let length = Int(generator.next() % 80)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if round % 2 == 0, bytes.count > 12 {
                // Plausible header, hostile body.
                bytes[4] = 0; bytes[5] = 1; bytes[6] = 0; bytes[7] = 2
            }
            _ = try? DNSMessage(decoding: bytes)
            _ = try? DNSHeader(decoding: bytes)
        }
    }

    // MARK: - Window

    @Test func windowQuantilesAreNearestRank() {
        var window = ProbeWindow(capacity: 10)
        #expect(window.status == LatencyStatus(p50Ms: nil, p95Ms: nil, p99Ms: nil, source: "probe", successRatio: nil))
        for ms in [40.0, 10, 30, 20] { window.recordSuccess(milliseconds: ms) }
        window.recordFailure()
        // Sorted successes 10 20 30 40: p50 is the ⌈0.5·4⌉ = 2nd, p95 and p99 the 4th.
        #expect(window.status == LatencyStatus(p50Ms: 20, p95Ms: 40, p99Ms: 40, source: "probe", successRatio: 0.8))
        window.recordFailure()
        window.recordFailure()
        window.recordFailure()
        window.recordFailure()
        window.recordFailure()
        // Ten checks: the oldest (40 ms) falls out at the eleventh.
        window.recordFailure()
        #expect(window.checks == 10)
        #expect(window.successes == 3)
        #expect(window.status.successRatio == 0.3)
        #expect(window.status.p50Ms == 20)
        #expect(window.status.p99Ms == 30)
        // 100 successes 1...100 ms in a window of 60: 41...100 remain.
        var big = ProbeWindow()
        for ms in 1...100 { big.recordSuccess(milliseconds: Double(ms)) }
        #expect(big.checks == 60)
        #expect(big.quantile(0.50) == 70)  // ⌈30⌉ = 30th of 41...100
        #expect(big.quantile(0.95) == 97)  // ⌈57⌉ = 57th
        #expect(big.quantile(0.99) == 100)  // ⌈59.4⌉ = 60th
        #expect(big.successRatio == 1)
    }

    // MARK: - Against the fake server

    @Test func answeredNormally() async throws {
        let server = try await FakeDNSServer.start(fallback: .answer)
        defer { server.stop() }
        let probe = DNSProbe(server: "127.0.0.1", port: server.port, name: "site.example.test", type: .txt, timeout: Self.answered)
        let status = try await probe.measure()
        #expect(status.source == "probe")
        #expect(status.successRatio == 1)
        let p50 = try #require(status.p50Ms)
        #expect(p50 > 0 && p50 < 1000)
        #expect(status.p95Ms == p50 && status.p99Ms == p50)
        #expect(probe.mismatchedAnswers == 0)
        // A fresh id per query.
        for _ in 0..<4 { _ = try await probe.measure() }
        #expect(Set(server.queries.map(\.header.id)).count > 1)
        #expect(server.queries.allSatisfy { $0.header.recursionDesired && $0.questions.count == 1 })
    }

    @Test func answeredOverIPv6() async throws {
        try #require(Self.loopbackIPv6, "::1 is not configured on lo")
        let server = try await FakeDNSServer.start(host: "::1", fallback: .answer)
        defer { server.stop() }
        let probe = DNSProbe(server: "::1", port: server.port, name: "site.example.test", type: .txt, timeout: Self.answered)
        #expect(probe.serverLabel == "[::1]:\(server.port)")
        let status = try await probe.measure()
        #expect(status.successRatio == 1)
    }

    @Test(arguments: [DNSRcode.refused, .servFail])
    func unexpectedRcodeFails(rcode: DNSRcode) async throws {
        let server = try await FakeDNSServer.start(fallback: .rcode(rcode))
        defer { server.stop() }
        let probe = DNSProbe(server: "127.0.0.1", port: server.port, name: "site.example.test", type: .txt, timeout: Self.answered)
        let failure = try await Self.failure(of: probe)
        #expect(failure.message == "127.0.0.1:\(server.port) answered \(rcode.name), expected NOERROR")
        #expect(failure.latency.successRatio == 0)
        #expect(failure.latency.p50Ms == nil)
        // The same rcode is fine when it is what the probe expects.
        let expecting = DNSProbe(server: "127.0.0.1", port: server.port, name: "site.example.test", type: .txt, expectRcode: rcode, timeout: Self.answered)
        #expect(try await expecting.measure().successRatio == 1)
    }

    @Test func wrongIdFirstThenRightIdSucceeds() async throws {
        let server = try await FakeDNSServer.start(fallback: .wrongIdThenRight)
        defer { server.stop() }
        let probe = DNSProbe(server: "127.0.0.1", port: server.port, name: "site.example.test", type: .txt, timeout: Self.answered)
        let status = try await probe.measure()
        #expect(status.successRatio == 1)
        #expect(probe.mismatchedAnswers == 1)
    }

    @Test func onlyWrongIdFailsAtTheDeadline() async throws {
        let server = try await FakeDNSServer.start(fallback: .onlyWrongId)
        defer { server.stop() }
        // A deadline long enough for the wrong answer to arrive under CI's parallel load.
        let probe = DNSProbe(server: "127.0.0.1", port: server.port, name: "site.example.test", type: .txt,
                             timeout: .milliseconds(1500))
        let clock = ContinuousClock()
        let start = clock.now
        let failure = try await Self.failure(of: probe)
        let elapsed = clock.now - start
        #expect(failure.message.hasPrefix("no matching answer from 127.0.0.1:\(server.port) within 1500 ms"))
        #expect(probe.mismatchedAnswers == 1)
        // It waited for the deadline rather than failing at the first wrong answer.
        #expect(elapsed >= .milliseconds(1400))
        #expect(elapsed < .seconds(5))
    }

    @Test func answerToAnotherQuestionIsIgnored() async throws {
        let server = try await FakeDNSServer.start(fallback: .otherQuestion)
        defer { server.stop() }
        let probe = DNSProbe(server: "127.0.0.1", port: server.port, name: "site.example.test", type: .txt,
                             timeout: .milliseconds(1500))
        let failure = try await Self.failure(of: probe)
        #expect(failure.message.hasPrefix("no matching answer"))
        #expect(probe.mismatchedAnswers == 1)
    }

    @Test func neverAnsweringTimesOut() async throws {
        let server = try await FakeDNSServer.start(fallback: .silent)
        defer { server.stop() }
        let probe = DNSProbe(server: "127.0.0.1", port: server.port, name: "site.example.test", type: .txt,
                             timeout: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        let failure = try await Self.failure(of: probe)
        let elapsed = clock.now - start
        #expect(failure.message == "no answer from 127.0.0.1:\(server.port) within 300 ms")
        // Under load the fake server may see the query after the probe gave up on it.
        for _ in 0..<40 where server.queries.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.queries.count == 1)
        #expect(elapsed >= .milliseconds(250))
        #expect(elapsed < .seconds(5))
    }

    @Test func truncatedAndMalformedAnswersFail() async throws {
        let server = try await FakeDNSServer.start(fallback: .answer, script: [.truncated, .malformed, .notAResponse])
        defer { server.stop() }
        let probe = DNSProbe(server: "127.0.0.1", port: server.port, name: "site.example.test", type: .txt, timeout: Self.answered)
        #expect(try await Self.failure(of: probe).message == "truncated answer from 127.0.0.1:\(server.port) (TC bit set)")
        #expect(try await Self.failure(of: probe).message.hasPrefix("malformed answer from 127.0.0.1:\(server.port): "))
        #expect(try await Self.failure(of: probe).message.hasSuffix("QR bit not set"))
        #expect(try await probe.measure().successRatio == 0.25)
    }

    /// On Linux the ICMP port unreachable that loopback sends back for a closed UDP port comes
    /// back as ECONNREFUSED on the connected socket, well before the timeout.
    @Test func closedPortIsPortUnreachable() async throws {
        let port = try await Self.closedUDPPort()
        let probe = DNSProbe(server: "127.0.0.1", port: port, name: "site.example.test", type: .txt,
                             timeout: .seconds(3))
        let clock = ContinuousClock()
        let start = clock.now
        let failure = try await Self.failure(of: probe)
        #expect(failure.message == "port unreachable: nothing listens on 127.0.0.1:\(port) (udp)")
        #expect(clock.now - start < .seconds(5))
    }

    @Test func closedTCPPortIsConnectionRefused() async throws {
        let port = try await Self.closedUDPPort()  // nothing listens on TCP there either
        let probe = DNSProbe(server: "127.0.0.1", port: port, name: "site.example.test", type: .txt,
                             timeout: .seconds(3), transport: .tcp)
        let failure = try await Self.failure(of: probe)
        #expect(failure.message == "connection refused: nothing listens on 127.0.0.1:\(port) (tcp)")
    }

    @Test func misconfiguredProbeFailsEveryCheck() async throws {
        let notAnAddress = DNSProbe(server: "ns1.example.test", name: "site.example.test", type: .txt)
        #expect(try await Self.failure(of: notAnAddress).message.contains("not an IPv4 or IPv6 address"))
        let badName = DNSProbe(server: "127.0.0.1", name: "site..example.test", type: .txt)
        #expect(try await Self.failure(of: badName).message.contains("empty label"))
        #expect(badName.window.checks == 1)
    }

    @Test func windowAfterMixedChecks() async throws {
        let server = try await FakeDNSServer.start(
            fallback: .answer,
            script: [.answer, .rcode(.refused), .answer, .rcode(.servFail), .answer, .answer]
        )
        defer { server.stop() }
        let probe = DNSProbe(server: "127.0.0.1", port: server.port, name: "site.example.test", type: .txt, timeout: Self.answered, window: 5)
        var outcomes: [Bool] = []
        var last = LatencyStatus.none
        for _ in 0..<6 {
            do {
                last = try await probe.measure()
                outcomes.append(true)
            } catch let failure as ProbeFailure {
                last = failure.latency
                outcomes.append(false)
            }
        }
        #expect(outcomes == [true, false, true, false, true, true])
        // Window of 5: the first success fell out; 3 of the last 5 succeeded.
        #expect(probe.window.checks == 5)
        #expect(last.successRatio == 0.6)
        let p50 = try #require(last.p50Ms)
        let p95 = try #require(last.p95Ms)
        let p99 = try #require(last.p99Ms)
        #expect(p50 > 0 && p50 <= p95 && p95 <= p99 && p99 < 1000)
    }

    // MARK: - Against a real unbound

    @Test func realUnbound() async throws {
        let unbound = try #require(Self.unboundPath(), "unbound not found: apt-get install unbound")
        let port = try await Self.closedUDPPort()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dnsprobe-unbound-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("unbound.conf")
        // local-zone "." static answers everything outside example.test. NXDOMAIN itself, so
        // unbound never recurses to the Internet.
        try """
        server:
            interface: 127.0.0.1
            port: \(port)
            do-ip6: no
            do-daemonize: no
            username: ""
            chroot: ""
            directory: "\(directory.path)"
            pidfile: "\(directory.appendingPathComponent("unbound.pid").path)"
            use-syslog: no
            logfile: ""
            verbosity: 1
            module-config: "iterator"
            local-zone: "." static
            local-zone: "example.test." static
            local-data: "site.example.test. TXT \\"s1\\""
        remote-control:
            control-enable: no

        """.write(to: config, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("unbound.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: unbound)
        process.arguments = ["-d", "-c", config.path]
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }

        // Wait until it answers (the first checks may find the port still closed).
        let clock = ContinuousClock()
        let readyBy = clock.now + .seconds(10)
        let readiness = DNSProbe(server: "127.0.0.1", port: port, name: "site.example.test", type: .txt,
                                 timeout: .milliseconds(200))
        var ready = false
        while !ready, clock.now < readyBy, process.isRunning {
            ready = (try? await readiness.measure()) != nil
            if !ready { try await Task.sleep(for: .milliseconds(50)) }
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try #require(ready, "unbound did not answer within 10 s; its log:\n\(output)")

        let probe = DNSProbe(server: "127.0.0.1", port: port, name: "site.example.test", type: .txt, timeout: Self.answered)
        var status = LatencyStatus.none
        for _ in 0..<5 { status = try await probe.measure() }
        let p50 = try #require(status.p50Ms)
        #expect(p50 > 0 && p50 < 1000)
        #expect(status.successRatio == 1)

        let overTCP = DNSProbe(server: "127.0.0.1", port: port, name: "site.example.test", type: .txt, timeout: Self.answered, transport: .tcp)
        #expect(try await overTCP.measure().successRatio == 1)

        let outside = DNSProbe(server: "127.0.0.1", port: port, name: "nothing.outside.invalid", type: .a, timeout: Self.answered)
        let failure = try await Self.failure(of: outside)
        #expect(failure.message == "127.0.0.1:\(port) answered NXDOMAIN, expected NOERROR")
        let expectingNX = DNSProbe(server: "127.0.0.1", port: port, name: "nothing.outside.invalid", type: .a, expectRcode: .nxDomain, timeout: Self.answered)
        #expect(try await expectingNX.measure().successRatio == 1)
    }

    // MARK: - Helpers

    /// The check's failure; records an issue (and throws) if it succeeded.
    static func failure(of probe: DNSProbe, sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProbeFailure {
        do {
            let status = try await probe.measure()
            Issue.record("expected the check to fail, got \(status)", sourceLocation: sourceLocation)
            throw CancellationError()
        } catch let failure as ProbeFailure {
            return failure
        }
    }

    /// A UDP port on 127.0.0.1 that was free a moment ago and is closed now.
    static func closedUDPPort() async throws -> Int {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }

    static func unboundPath() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/unbound" }
            + ["/usr/sbin/unbound", "/usr/local/sbin/unbound", "/opt/homebrew/sbin/unbound"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let loopbackIPv6: Bool = {
        #if os(Linux)
        let interfaces = (try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8)) ?? ""
        return interfaces.contains("00000000000000000000000000000001")
        #else
        return true
        #endif
    }()
}

/// A UDP DNS server on loopback that answers each query as its script says (then as the
/// fallback), and remembers the queries.
private final class FakeDNSServer: Sendable {
    enum Behavior: Sendable {
        /// NOERROR with `TXT "s1"`.
        case answer
        /// The given rcode, no answer records.
        case rcode(DNSRcode)
        /// An answer with another id, then the right one.
        case wrongIdThenRight
        /// Only an answer with another id.
        case onlyWrongId
        /// The right id but another question.
        case otherQuestion
        /// Nothing at all.
        case silent
        /// The right id with TC set.
        case truncated
        /// The right id, cut in the middle of the question.
        case malformed
        /// The right id with QR clear.
        case notAResponse
    }

    struct State {
        var script: [Behavior]
        var queries: [DNSMessage] = []
    }

    let port: Int
    private let channel: any Channel
    private let state: Mutex<State>
    let fallback: Behavior

    private init(channel: any Channel, script: [Behavior], fallback: Behavior) throws {
        guard let port = channel.localAddress?.port else { throw FakeServerError() }
        self.channel = channel
        self.port = port
        self.fallback = fallback
        self.state = Mutex(State(script: script))
    }

    struct FakeServerError: Error {}

    static func start(host: String = "127.0.0.1", fallback: Behavior, script: [Behavior] = []) async throws -> FakeDNSServer {
        let box = ServerBox()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FakeDNSHandler(box: box))
                }
            }
            .bind(host: host, port: 0).get()
        let server = try FakeDNSServer(channel: channel, script: script, fallback: fallback)
        box.server.withLock { $0 = server }
        return server
    }

    func stop() {
        channel.close(promise: nil)
    }

    var queries: [DNSMessage] { state.withLock { $0.queries } }

    /// Records the query and says how to answer it.
    func behavior(for query: DNSMessage) -> Behavior {
        state.withLock { state in
            state.queries.append(query)
            return state.script.isEmpty ? fallback : state.script.removeFirst()
        }
    }

    /// The answers (in order) for a query.
    func replies(to query: DNSMessage) -> [[UInt8]] {
        func answer(id: UInt16? = nil, rcode: DNSRcode = .noError, questions: [DNSQuestion]? = nil) -> DNSMessage {
            var header = query.header
            header.id = id ?? query.header.id
            header.isResponse = true
            header.authoritative = true
            header.recursionAvailable = true
            header.rcode = rcode
            let questions = questions ?? query.questions
            let answers = rcode == .noError
                ? questions.map { DNSResourceRecord(name: $0.name, type: .txt, ttl: 3600, rdata: DNSResourceRecord.txtData(["s1"])) }
                : []
            return DNSMessage(header: header, questions: questions, answers: answers)
        }
        let otherID = query.header.id &+ 1
        switch behavior(for: query) {
        case .answer:
            return [answer().encode()]
        case .rcode(let rcode):
            return [answer(rcode: rcode).encode()]
        case .wrongIdThenRight:
            return [answer(id: otherID).encode(), answer().encode()]
        case .onlyWrongId:
            return [answer(id: otherID).encode()]
        case .otherQuestion:
            let other = DNSQuestion(name: DNSName.root, type: .ns)
            return [answer(questions: [other]).encode()]
        case .silent:
            return []
        case .truncated:
            var message = answer()
            message.header.truncated = true
            message.answers = []
            return [message.encode()]
        case .malformed:
            return [Array(answer().encode().prefix(DNSHeader.length + 5))]
        case .notAResponse:
            var message = answer()
            message.header.isResponse = false
            return [message.encode()]
        }
    }
}

/// Lets the channel's handler reach the server object that is made after the channel.
private final class ServerBox: Sendable {
    let server = Mutex<FakeDNSServer?>(nil)
}

private final class FakeDNSHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    let box: ServerBox

    init(box: ServerBox) {
        self.box = box
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let server = box.server.withLock({ $0 }),
              let query = try? DNSMessage(decoding: Array(envelope.data.readableBytesView)) else { return }
        for reply in server.replies(to: query) {
            let buffer = context.channel.allocator.buffer(bytes: reply)
            context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
        }
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A probe that gave up leaves ICMP errors behind; the server keeps serving.
    }
}
