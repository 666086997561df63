@testable import AnycastAgent
import AnycastCore
import Foundation
import Testing

/// FRR's vtysh answers, on JSON captured unedited from FRR 8.4 in a two-namespace lab
/// (`scripts/lab/capture-frr-fixtures.sh`, see Fixtures/frr/README.md).
@Suite struct FRRParserTests {
    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/frr/\(name)")
        return String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    static let now = Date(timeIntervalSince1970: 1_796_256_000)

    @Test func sessionsEstablishedNeverUpAndDropped() throws {
        let v4 = try FRRSummaryParser.peers(from: Self.fixture("summary-ipv4.json"), now: Self.now)
        #expect(v4.map(\.address) == ["198.51.100.1", "198.51.100.9"])
        #expect(v4[0].state == .established && v4[0].asn == 65000 && v4[0].exported == 1 && v4[0].since != nil)
        #expect(v4[1].state == .active && v4[1].asn == 65009 && v4[1].exported == 0 && v4[1].since == nil)
        let v6 = try FRRSummaryParser.peers(from: Self.fixture("summary-ipv6.json"), now: Self.now)
        #expect(v6.map(\.address) == ["2001:db8:ffff::1"] && v6[0].state == .established && v6[0].exported == 1)
        let dropped = try FRRSummaryParser.peers(from: Self.fixture("summary-ipv4-session-down.json"), now: Self.now)
        #expect(dropped[0].state == .idle && dropped[0].exported == 0)
    }

    @Test func whatIsSentFullDepreferredAndEmptyOnBothFamilies() throws {
        let full4 = try FRRAdvertisedParser.routes(from: Self.fixture("advertised-ipv4-full.json"))
        #expect(full4 == [.init(prefix: "203.0.113.0/24", prepended: [], med: 0)])
        let full6 = try FRRAdvertisedParser.routes(from: Self.fixture("advertised-ipv6-full.json"))
        #expect(full6 == [.init(prefix: "2001:db8:53::/48", prepended: [], med: 0)])
        let dep4 = try FRRAdvertisedParser.routes(from: Self.fixture("advertised-ipv4-depref.json"))
        #expect(dep4 == [.init(prefix: "203.0.113.0/24", prepended: [65100, 65100, 65100], med: 500)])
        let dep6 = try FRRAdvertisedParser.routes(from: Self.fixture("advertised-ipv6-depref.json"))
        #expect(dep6 == [.init(prefix: "2001:db8:53::/48", prepended: [65100, 65100, 65100], med: 500)])
        for empty in ["advertised-ipv4-empty.json", "advertised-ipv6-empty.json", "advertised-ipv4-down-peer.json"] {
            #expect(try FRRAdvertisedParser.routes(from: Self.fixture(empty)).isEmpty, "\(empty)")
        }
    }

    @Test func theRunningConfigAnnouncedDepreferredAndWithdrawn() throws {
        let announced = FRRRunningConfig.parse(try Self.fixture("running-config.txt"))
        #expect(announced.localAS == 65100)
        let v4 = IPPrefix.canonical("203.0.113.0/24")!, v6 = IPPrefix.canonical("2001:db8:53::/48")!
        #expect(announced.networks == [v4: String?.none, v6: String?.none])
        let depref = FRRRunningConfig.parse(try Self.fixture("running-config-depref.txt"))
        #expect(depref.networks == [v4: "ANYCAST-DEPREF-dns", v6: "ANYCAST-DEPREF-dns"])
        #expect(depref.routeMaps["ANYCAST-DEPREF-dns"] == ["set as-path prepend 65100 65100 65100", "set community graceful-shutdown additive", "set metric 500"])
        let withdrawn = FRRRunningConfig.parse(try Self.fixture("running-config-withdrawn.txt"))
        #expect(withdrawn.localAS == 65100 && withdrawn.networks.isEmpty)
        #expect(FRRRunningConfig.parse("").localAS == nil, "no router bgp: nothing to announce from")
    }

    @Test func theCommunitiesOfTheSitesOwnRoute() throws {
        #expect(try FRRRouteDetailParser.localCommunities(from: Self.fixture("route-ipv4.json")) == [])
        #expect(try FRRRouteDetailParser.localCommunities(from: Self.fixture("route-ipv4-depref.json")) == ["graceful-shutdown"])
        #expect(try FRRRouteDetailParser.localCommunities(from: Self.fixture("route-ipv6-depref.json")) == ["graceful-shutdown"])
        #expect(try FRRRouteDetailParser.localCommunities(from: Self.fixture("route-ipv4-withdrawn.json")) == nil, "no route: {}")
    }

    /// The error `body` throws, nil when it throws none.
    func failure(_ body: () throws(FRRReplyError) -> Void) -> FRRReplyError? {
        do { try body() } catch { return error }
        return nil
    }

    @Test func errorRepliesAreToldApart() throws {
        let unknownPeer = try Self.fixture("advertised-unknown-peer.json")
        let warned = failure { () throws(FRRReplyError) in _ = try FRRAdvertisedParser.routes(from: unknownPeer) }
        #expect(warned == .warning("No such neighbor in this view/vrf"))
        let unknownCommand = try Self.fixture("unknown-command.txt")
        guard case .unknownCommand(let said)? = failure({ () throws(FRRReplyError) in _ = try FRRAdvertisedParser.routes(from: unknownCommand) }) else {
            Issue.record("an unknown command was not told apart")
            return
        }
        #expect(said.hasPrefix("% Unknown command: show bgp"))
        let down = try Self.fixture("daemon-down.txt")
        guard case .daemonDown(let why)? = failure({ () throws(FRRReplyError) in _ = try FRRSummaryParser.peers(from: down, now: Self.now) }) else {
            Issue.record("bgpd down was not told apart")
            return
        }
        #expect(why.contains("failed to connect to any daemons"))
        let denied = try Self.fixture("permission-denied.txt")
        guard case .permissionDenied(let text)? = failure({ () throws(FRRReplyError) in _ = try FRRSummaryParser.peers(from: denied, now: Self.now) }) else {
            Issue.record("a user vtysh refuses was not told apart from bgpd being down")
            return
        }
        #expect(text.contains("Permission denied"))
        #expect(FRRReply.failure(in: try Self.fixture("config-error.txt")) == .unknownCommand("% Unknown command: netwrk 203.0.113.0/24"))
        guard case .malformed? = failure({ () throws(FRRReplyError) in _ = try FRRSummaryParser.peers(from: "", now: Self.now) }) else {
            Issue.record("an empty answer parsed")
            return
        }
    }

    @Test(arguments: [
        ("Established", BGPSessionState.established), ("Active", .active), ("Connect", .connect), ("OpenSent", .openSent),
        ("OpenConfirm", .openConfirm), ("Idle", .idle), ("Idle (Admin)", .down), ("Idle (PfxCt)", .down), ("Clearing", .down),
        ("Deleted", .down), ("", .down),
    ])
    func stateNames(name: String, expected: BGPSessionState) {
        #expect(FRRSummaryParser.state(name) == expected)
    }
}

/// Several show commands in one vtysh run: the answers told apart again.
@Suite struct FRRAnswerSplitterTests {
    @Test func jsonAnswersThenTheRunningConfig() throws {
        let parts = try ["summary-ipv4.json", "summary-ipv6.json", "route-ipv4-withdrawn.json"].map(FRRParserTests.fixture)
        let config = try FRRParserTests.fixture("running-config.txt")
        let (objects, rest) = try FRRAnswerSplitter.split(parts.joined() + config, count: 3)
        #expect(objects.count == 3)
        #expect(try FRRSummaryParser.peers(from: objects[1], now: FRRParserTests.now).map(\.address) == ["2001:db8:ffff::1"])
        #expect(try FRRRouteDetailParser.localCommunities(from: objects[2]) == nil)
        #expect(FRRRunningConfig.parse(rest) == FRRRunningConfig.parse(config))
    }

    @Test func bracesInStringsDoNotEndAnAnswer() throws {
        let (objects, rest) = try FRRAnswerSplitter.split(#"{"a":"}{\"}"}{"b":{"c":1}} tail"#, count: 2)
        #expect(objects == [#"{"a":"}{\"}"}"#, #"{"b":{"c":1}}"#] && rest == " tail")
    }

    @Test func fewerAnswersAreTheFailureVtyshPrinted() throws {
        let down = try FRRParserTests.fixture("daemon-down.txt")
        #expect(throws: FRRReplyError.self) { try FRRAnswerSplitter.split(down, count: 2) }
        let summary = try FRRParserTests.fixture("summary-ipv4.json")
        #expect(throws: FRRReplyError.unknownCommand("% Unknown command: show bgp ipv9")) {
            try FRRAnswerSplitter.split(summary + "% Unknown command: show bgp ipv9\n", count: 2)
        }
        do {
            _ = try FRRAnswerSplitter.split(#"{"a": 1"#, count: 1)
            Issue.record("an unfinished answer was taken")
        } catch {
            guard case .malformed = error else { Issue.record("\(error)"); return }
        }
    }
}
