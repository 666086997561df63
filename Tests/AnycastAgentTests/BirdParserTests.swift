import AnycastAgent
import Foundation
import Testing

/// BIRD control-socket framing and parsers, on raw bytes captured from real BIRD 2.0.12
/// (`scripts/lab/capture-bird-fixtures.sh`, see Fixtures/bird/README.md). The captures are
/// used unedited; the only synthetic input is marked as such.
@Suite struct BirdParserTests {
    // MARK: - Fixtures

    /// The fixtures were captured on 2026-11-27 around 20:12 UTC.
    static let now = utc(2026, 11, 27, 20, 30, 0)

    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/bird/\(name).txt")
        return Array(try Data(contentsOf: url))
    }

    /// Frames a capture that holds exactly one reply.
    static func reply(_ name: String) throws -> BirdReply {
        var reader = BirdReplyReader()
        let replies = try reader.feed(fixture(name))
        try #require(replies.count == 1, "\(name) should hold one reply")
        return replies[0]
    }

    static func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, ms: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: s))!
        return date.addingTimeInterval(Double(ms) / 1000)
    }

    static func protocols(_ name: String) throws -> [BirdProtocolInfo] {
        try BirdProtocolParser.parse(reply(name), now: now)
    }

    static func routes(_ name: String) throws -> [BirdRoute] {
        try BirdRouteParser.parse(reply(name), now: now)
    }

    static func close(_ a: Date?, _ b: Date) -> Bool {
        guard let a else { return false }
        return abs(a.timeIntervalSince(b)) < 0.0005
    }

    // MARK: - Framing

    @Test func greetingIsAOneLineReplyWithCode1() throws {
        let greeting = try Self.reply("greeting")
        #expect(greeting.finalCode == 1)
        #expect(greeting.lines == [BirdReplyLine(code: 1, text: "BIRD 2.0.12 ready.")])
        #expect(try greeting.checked() == greeting)
    }

    @Test func replyLinesKeepCodesAndContinuations() throws {
        let status = try Self.reply("show-status")
        #expect(status.finalCode == 13)
        #expect(status.lines.first == BirdReplyLine(code: 1000, text: "BIRD 2.0.12"))
        #expect(status.lines[2] == BirdReplyLine(code: nil, text: "Hostname is vm"))
        #expect(status.resolvedLines[2].code == 1011)
        #expect(status.lines.last == BirdReplyLine(code: 13, text: "Daemon is up and running"))
    }

    /// A stream of several real captures, fed whole, split in two at every byte, and one byte
    /// at a time, gives the same replies. The UTF-8 capture makes some splits fall inside a
    /// multi-byte character.
    @Test func splitAtEveryBytePositionGivesTheSameReplies() throws {
        let names = ["greeting", "show-protocols-all-anycast6-disabled-utf8", "upstream-show-route-all",
                     "show-route-export-upstream-empty", "disable-anycast4-already", "error-garbage"]
        var stream: [UInt8] = []
        for name in names { stream += try Self.fixture(name) }

        var whole = BirdReplyReader()
        let expected = try whole.feed(stream)
        #expect(expected.count == names.count)
        #expect(expected.map(\.finalCode) == [1, 0, 0, 0, 0, 9001])
        #expect(expected[1].lines.contains { $0.text.contains("drained by zoë: CHG-2 ✓") })

        for split in 0...stream.count {
            var reader = BirdReplyReader()
            var got = try reader.feed(stream[..<split])
            got += try reader.feed(stream[split...])
            #expect(got == expected, "split at byte \(split)")
        }

        var bytewise = BirdReplyReader()
        var got: [BirdReply] = []
        for byte in stream { got += try bytewise.feed([byte]) }
        #expect(got == expected)
    }

    /// Real async lines: the whole stream of a connection that sent `echo all`.
    @Test func capturedAsyncLinesAreCollectedBetweenReplies() throws {
        var reader = BirdReplyReader()
        let replies = try reader.feed(Self.fixture("stream-echo-async"))
        #expect(replies.map(\.finalCode) == [1, 0, 0])
        #expect(reader.asyncMessages == ["Disabling protocol anycast6", "Enabling protocol anycast6"])
        let rows = try BirdProtocolParser.parse(replies[2], now: Self.now)
        #expect(rows.map(\.name) == ["device1", "anycast4", "anycast6", "upstream"])
    }

    /// SYNTHETIC input (the only one): `+` lines inserted between the lines of a real capture,
    /// since BIRD does not interleave them inside a reply on demand.
    @Test func asyncLinesInsideAReplyDoNotBreakFraming() throws {
        let capture = try Self.fixture("show-protocols-all-upstream-active")
        var original = BirdReplyReader()
        let expected = try original.feed(capture)

        var lines = capture.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
            .map { Array($0) + [UInt8(ascii: "\n")] }
        var inserted = 0
        for index in stride(from: lines.count - 1, through: 1, by: -5) {
            lines.insert(Array("+0000 message \(index)\n".utf8), at: index)
            inserted += 1
        }
        lines.insert(Array("+Reconfiguring\n".utf8), at: 0)
        var interleaved = BirdReplyReader()
        let got = try interleaved.feed(lines.joined())
        #expect(got == expected)
        #expect(interleaved.asyncMessages.count == inserted + 1)
        #expect(interleaved.asyncMessages.first == "Reconfiguring")
        #expect(interleaved.asyncMessages.dropFirst().allSatisfy { $0.hasPrefix("message ") })
    }

    @Test func asyncMessagesKeepOnlyTheLast100() throws {
        var reader = BirdReplyReader()
        let input = (0..<150).map { "+line \($0)\n" }.joined()
        #expect(try reader.feed(Array(input.utf8)).isEmpty)
        #expect(reader.asyncMessages.count == 100)
        #expect(reader.asyncMessages.first == "line 50")
        #expect(reader.asyncMessages.last == "line 149")
    }

    @Test func lineWithoutCodeOrLeadingSpaceIsMalformed() throws {
        var reader = BirdReplyReader()
        #expect(throws: BirdReplyError.self) { try reader.feed(Array("garbage here\n".utf8)) }
        do {
            var fresh = BirdReplyReader()
            _ = try fresh.feed(Array("0001 BIRD 2.0.12 ready.\nhello\n".utf8))
            Issue.record("expected .malformed")
        } catch {
            guard case .malformed = error else { Issue.record("got \(error)"); return }
        }
        var orphan = BirdReplyReader()
        #expect(throws: BirdReplyError.malformed("continuation line before any reply line: \" stray\"")) {
            try orphan.feed(Array(" stray\n".utf8))
        }
        var badSeparator = BirdReplyReader()
        #expect(throws: BirdReplyError.self) { try badSeparator.feed(Array("0000x\n".utf8)) }
    }

    // MARK: - Errors and command replies

    @Test func disableAndEnableRepliesAreNotErrors() throws {
        let cases: [(String, Int, String)] = [
            ("disable-anycast4", 9, "anycast4: disabled"),
            ("disable-anycast4-already", 8, "anycast4: already disabled"),
            ("enable-anycast4", 11, "anycast4: enabled"),
            ("enable-anycast4-already", 10, "anycast4: already enabled"),
        ]
        for (name, code, text) in cases {
            let reply = try Self.reply(name).checked()
            #expect(reply.finalCode == 0, "\(name)")
            #expect(reply.lines == [BirdReplyLine(code: code, text: text), BirdReplyLine(code: 0, text: "")], "\(name)")
        }
    }

    @Test func noProtocolsMatchIsRuntimeError() throws {
        for name in ["error-no-protocols-match", "error-disable-no-match"] {
            let reply = try Self.reply(name)
            #expect(reply.finalCode == 8003)
            #expect(throws: BirdReplyError.runtime(code: 8003, message: "No protocols match")) { try reply.checked() }
            #expect(throws: BirdReplyError.runtime(code: 8003, message: "No protocols match")) {
                try BirdProtocolParser.parse(reply, now: Self.now)
            }
        }
    }

    @Test func syntaxErrorsAreSyntax() throws {
        let undefined = try Self.reply("error-disable-undefined")
        #expect(throws: BirdReplyError.syntax(
            code: 9001, message: "syntax error, unexpected CF_SYM_UNDEFINED, expecting CF_SYM_KNOWN or TEXT or ALL")) {
            try undefined.checked()
        }
        let garbage = try Self.reply("error-garbage")
        #expect(throws: BirdReplyError.syntax(code: 9001, message: "syntax error, unexpected CF_SYM_UNDEFINED")) {
            try BirdRouteParser.parse(garbage, now: Self.now)
        }
        #expect(BirdReplyError.syntax(code: 9001, message: "x").description.contains("9001"))
    }

    // MARK: - show protocols

    @Test func bgpEstablishedWithNeighborASAndRoutesPerChannel() throws {
        let all = try Self.protocols("show-protocols-all")
        #expect(all.map(\.name) == ["device1", "anycast4", "anycast6", "upstream"])
        let bgp = try #require(all.last)
        #expect(bgp.isBGP && bgp.isEstablished)
        #expect(bgp.proto == "BGP" && bgp.table == nil && bgp.state == "up")
        #expect(bgp.info == "Established" && bgp.bgpState == "Established")
        #expect(Self.close(bgp.since, Self.utc(2026, 11, 27, 20, 12, 13)))
        #expect(bgp.neighborAddress == "198.51.100.1")
        #expect(bgp.neighborAS == 65000 && bgp.localAS == 65100)
        #expect(bgp.lastError == nil && bgp.message == nil)
        #expect(bgp.channels == [
            .init(name: "ipv4", state: "UP", imported: 0, exported: 1, preferred: 0),
            .init(name: "ipv6", state: "UP", imported: 0, exported: 1, preferred: 0),
        ])

        let device = all[0]
        #expect(device.proto == "Device" && device.channels.isEmpty && !device.isBGP && !device.isEstablished)
        let static4 = all[1]
        #expect(static4.proto == "Static" && static4.table == "master4" && static4.info == "")
        #expect(static4.channels == [.init(name: "ipv4", state: "UP", imported: 1, exported: 0, preferred: 1)])

        let single = try Self.protocols("show-protocols-all-upstream-established")
        #expect(single == [bgp])
    }

    @Test func shortShowProtocolsRowsInBothTimeFormats() throws {
        let site = try Self.protocols("show-protocols")
        #expect(site.map(\.name) == ["device1", "anycast4", "anycast6", "upstream"])
        #expect(site.map(\.state) == ["up", "up", "up", "up"])
        let upstream = try #require(site.last)
        #expect(upstream.bgpState == nil && upstream.isEstablished, "from the Info column")
        #expect(site.allSatisfy { $0.since != nil && $0.channels.isEmpty })

        let router = try Self.protocols("upstream-show-protocols")
        #expect(router.map(\.name) == ["device1", "multipath", "s1"])
        #expect(Self.close(router[2].since, Self.utc(2026, 11, 27, 20, 12, 13, ms: 392)))
        #expect(Self.close(router[1].since, Self.utc(2026, 11, 27, 20, 12, 9, ms: 598)))
        #expect(router[2].isEstablished)
    }

    @Test func downStatesCarryLastError() throws {
        let cases: [(String, String, String)] = [
            ("show-protocols-all-upstream-active", "Active", "Received: Administrative shutdown"),
            ("show-protocols-all-upstream-connect", "Connect", "Received: Administrative shutdown"),
            ("show-protocols-all-upstream-idle", "Idle", "Received: Bad peer AS"),
        ]
        for (name, state, error) in cases {
            let bgp = try #require(try Self.protocols(name).first)
            #expect(bgp.state == "start", "\(name)")
            #expect(bgp.bgpState == state, "\(name)")
            #expect(bgp.lastError == error, "\(name)")
            #expect(bgp.info.hasPrefix(state) && bgp.info.hasSuffix(error), "\(name)")
            #expect(bgp.isBGP && !bgp.isEstablished, "\(name)")
            #expect(bgp.channels.map(\.state) == ["DOWN", "DOWN"], "\(name)")
            #expect(bgp.channels.allSatisfy { $0.imported == nil && $0.exported == nil }, "\(name)")
            #expect(bgp.neighborAS == 65000, "\(name)")
        }
        let active = try #require(try Self.protocols("show-protocols-all-upstream-active").first)
        #expect(active.info == "Active        Received: Administrative shutdown")
    }

    @Test func disabledStaticShowsItsMessage() throws {
        let info = try #require(try Self.protocols("show-protocols-all-anycast4-disabled").first)
        #expect(info.name == "anycast4" && info.proto == "Static" && info.state == "down")
        #expect(info.message == "drained by alice: CHG-1")
        #expect(info.channels == [.init(name: "ipv4", state: "DOWN")])

        let utf8 = try #require(try Self.protocols("show-protocols-all-anycast6-disabled-utf8").first)
        #expect(utf8.message == "drained by zoë: CHG-2 ✓")
    }

    // MARK: - show route

    @Test func exportedIPv4AndIPv6Routes() throws {
        let routes = try Self.routes("show-route-export-upstream")
        #expect(routes.map(\.prefix) == ["203.0.113.0/24", "2001:db8:53::/48"])
        #expect(routes.map(\.proto) == ["anycast4", "anycast6"])
        #expect(routes.map(\.table) == ["master4", "master6"])
        #expect(routes.allSatisfy { $0.type == "blackhole" && $0.primary && $0.nextHops.isEmpty && $0.preference == 200 })
        #expect(Self.close(routes[0].since, Self.utc(2026, 11, 27, 20, 12, 9)))
    }

    @Test func emptyExportTableGivesNoRoutes() throws {
        let reply = try Self.reply("show-route-export-upstream-empty")
        #expect(reply.lines == [BirdReplyLine(code: 0, text: "")])
        #expect(try BirdRouteParser.parse(reply, now: Self.now) == [])
    }

    @Test func ecmpRouteHasTwoNextHops() throws {
        let all = try #require(try Self.routes("upstream-show-route-ecmp").first)
        #expect(all.prefix == "192.0.2.0/24" && all.proto == "multipath" && all.type == "unicast" && all.primary)
        #expect(all.nextHops == ["198.51.100.2", "198.51.100.6"])
        #expect(all.attributes["Type"] == "static univ")
        #expect(Self.close(all.since, Self.utc(2026, 11, 27, 20, 12, 9, ms: 598)))

        let short = try Self.routes("upstream-show-route-protocol-multipath")
        #expect(short.count == 1 && short[0].nextHops == ["198.51.100.2", "198.51.100.6"])
    }

    @Test func learnedRoutesWithBGPAttributes() throws {
        let routes = try Self.routes("upstream-show-route-all")
        #expect(routes.map(\.prefix) == ["192.0.2.0/24", "203.0.113.0/24", "2001:db8:53::/48"])
        let v4 = routes[1], v6 = routes[2]
        #expect(v4.proto == "s1" && v4.primary && v4.preference == 100 && v4.from == nil)
        #expect(v4.nextHops == ["198.51.100.2"])
        #expect(v4.asPath == "65100", "BGP.as_path replaces the [AS65100i] summary")
        #expect(v4.attributes["BGP.origin"] == "IGP" && v4.attributes["BGP.local_pref"] == "100")
        #expect(Self.close(v4.since, Self.utc(2026, 11, 27, 20, 12, 13, ms: 679)))
        #expect(v6.table == "master6" && v6.from == "198.51.100.2")
        #expect(v6.nextHops == ["2001:db8:ffff::2"])
        #expect(v6.attributes["BGP.next_hop"]?.hasPrefix("2001:db8:ffff::2 fe80::") == true)
    }

    @Test func routeRowWithoutAllKeepsASSummary() throws {
        let routes = try Self.routes("upstream-show-route")
        #expect(routes.map(\.prefix) == ["192.0.2.0/24", "203.0.113.0/24", "2001:db8:53::/48"])
        #expect(routes.map(\.asPath) == [nil, "AS65100i", "AS65100i"])
        #expect(routes.map(\.nextHops) == [["198.51.100.2", "198.51.100.6"], ["198.51.100.2"], ["2001:db8:ffff::2"]])
        #expect(routes.allSatisfy { $0.attributes.isEmpty && $0.primary })
    }

    // MARK: - BirdTime

    @Test func birdTimeForms() {
        let now = Self.utc(2026, 11, 27, 20, 30, 0)
        #expect(BirdTime.parse("20:11:16", now: now) == Self.utc(2026, 11, 27, 20, 11, 16))
        #expect(Self.close(BirdTime.parse("20:11:16.009", now: now), Self.utc(2026, 11, 27, 20, 11, 16, ms: 9)))
        #expect(BirdTime.parse("23:59:59", now: now) == Self.utc(2026, 11, 26, 23, 59, 59), "future → yesterday")
        #expect(BirdTime.parse("20:30:30", now: now) == Self.utc(2026, 11, 27, 20, 30, 30), "small skew stays today")
        #expect(BirdTime.parse("2026-11-20", now: now) == Self.utc(2026, 11, 20, 0, 0, 0))
        #expect(BirdTime.parse("2026-11-27 20:11:20", now: now) == Self.utc(2026, 11, 27, 20, 11, 20))
        #expect(Self.close(BirdTime.parse("2024-02-29 01:02:03.456", now: now), Self.utc(2024, 2, 29, 1, 2, 3, ms: 456)))
        #expect(BirdTime.parse("2026-01-01 00:00:00", now: now) == Self.utc(2026, 1, 1, 0, 0, 0))
        for bad in ["", "Established", "25:00:00", "12:60:00", "2026-13-01", "2025-02-29", "2026-11-27T20:11:20",
                    "20:11", "20:11:16.", "1.2.3", "2026-11-27 20:11:20 x"] {
            #expect(BirdTime.parse(bad, now: now) == nil, "\(bad)")
        }
    }
}
