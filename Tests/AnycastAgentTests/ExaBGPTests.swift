@testable import AnycastAgent
import AnycastCore
import Foundation
import Testing

/// ExaBGP's control-pipe answers, captured unedited from ExaBGP 4.2 in a two-namespace lab
/// (`scripts/lab/capture-exabgp-fixtures.sh`, see Fixtures/exabgp/README.md), and the route
/// controller's reading of them and the commands it sends.
@Suite struct ExaBGPTests {
    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/exabgp/\(name)")
        return String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    static let now = Date(timeIntervalSince1970: 1_796_270_000)
    static let step = DepreferStep(originProtocols: [], prepend: 3, med: 500, gracefulShutdown: true)
    static let dns = ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24", "2001:db8:53::/48"], deprefer: step)

    static func sessions(_ name: String) throws -> [ExaBGPNeighborParser.Session] {
        ExaBGPNeighborParser.sessions(from: try fixture(name), now: now)
    }

    @Test func sessionsStatesFamiliesAndTheLocalAS() throws {
        let s = try Self.sessions("neighbor-extensive.txt")
        #expect(s.map(\.status.address) == ["198.51.100.1", "198.51.100.9", "2001:db8:ffff::1"])
        #expect(s[0].status.state == .established && s[2].status.state == .established && s[1].status.state != .established)
        #expect(s.map(\.families) == [[.ipv4], [.ipv4], [.ipv6]])
        #expect(s[0].localAS == 65100 && s[0].status.asn == 65000 && s[1].status.asn == 65009)
        #expect(s[0].status.since == Self.now.addingTimeInterval(-1), "up for 0:00:01")
        let day = ExaBGPNeighborParser.sessions(
            from: try Self.fixture("neighbor-extensive.txt").replacingOccurrences(of: "0:00:01", with: "1 day, 0:00:01"), now: Self.now)
        #expect(day[0].status.since == Self.now.addingTimeInterval(-86_401), "up for 1 day, 0:00:01")
        #expect(s[1].status.since == nil)
        let down = try Self.sessions("neighbor-extensive-session-down.txt")
        #expect(down.count == 1 && down[0].status.state == .idle && down[0].status.since == nil)
        #expect(ExaBGPNeighborParser.sessions(from: try Self.fixture("bad-command.txt"), now: Self.now).isEmpty)
    }

    @Test func anUptimeIsHoursMinutesAndSecondsOrNothing() {
        #expect(ExaBGPNeighborParser.duration("0:00:01") == 1)
        #expect(ExaBGPNeighborParser.duration("26:03:04") == 93_784, "26 h, 3 min and 4 s")
        // More hours than an Int holds seconds: a number, not a trap.
        #expect(ExaBGPNeighborParser.duration("133584280347126442:00:00") == Double(133_584_280_347_126_442 as Int) * 3600)
        // Past a day, and with a fraction, as Python's timedelta writes them.
        #expect(ExaBGPNeighborParser.duration("1 day, 1:00:00") == 90_000)
        #expect(ExaBGPNeighborParser.duration("2 days, 7:33:20.500000") == 200_000.5)
        for bad in ["1:60:00", "1:00:60", "-1:00:00", "1:-1:00", "1:00", "1:00:00:00", "a:00:00", "", "1:00:+1", "1:00:nan",
                    "1 week, 1:00:00", "x days, 1:00:00", "1 day,", "day, 1:00:00"] {
            #expect(ExaBGPNeighborParser.duration(bad) == nil, "\(bad)")
        }
    }

    @Test func whatIsKeptForEachNeighborWithItsAttributes() throws {
        let plain = ExaBGPRibParser.routes(from: try Self.fixture("adj-rib-out-extensive.txt"))
        #expect(plain.map(\.prefix) == ["2001:db8:53::/48", "203.0.113.0/24"])
        #expect(plain.allSatisfy { $0.asPath.isEmpty && $0.med == nil && $0.communities.isEmpty })
        let depref = ExaBGPRibParser.routes(from: try Self.fixture("adj-rib-out-extensive-depref.txt"))
        #expect(depref.count == 2)
        for r in depref {
            #expect(r.asPath == [65100, 65100, 65100] && r.med == 500 && r.communities == ["65535:0"])
        }
        let all = ExaBGPRibParser.routes(from: try Self.fixture("adj-rib-out-all-neighbors.txt"))
        #expect(Set(all.map(\.neighbor)) == ["198.51.100.1", "198.51.100.9", "2001:db8:ffff::1"], "kept for the neighbor that is down too")
        #expect(ExaBGPRibParser.routes(from: try Self.fixture("adj-rib-out-extensive-empty.txt")).isEmpty)
        #expect(ExaBGPRibParser.routes(from: "neighbor 198.51.100.1 ipv4 unicast 203.0.113.0/24 next-hop self community [ 65535:0 65000:7 ]")[0].communities
                == ["65535:0", "65000:7"])
    }

    @Test func theCapturedPathIsThePrependsOfThreeAnnouncedAsGiven() throws {
        // The capture gave `as-path [65100 65100 65100]`: the own AS and two prepends, since
        // ExaBGP sends a given path as it is.
        let depref = ExaBGPRibParser.routes(from: try Self.fixture("adj-rib-out-extensive-depref.txt"))
        var two = Self.step
        two.prepend = 2
        #expect(depref.allSatisfy { ExaBGPRouteController.carries(two, $0) })
        #expect(!depref.contains { ExaBGPRouteController.carries(Self.step, $0) }, "three prepends need four AS numbers")
        let plain = ExaBGPRibParser.routes(from: try Self.fixture("adj-rib-out-extensive.txt"))
        #expect(!plain.contains { ExaBGPRouteController.carries(two, $0) })
    }

    func kept(_ name: String) throws -> [String: [String: ExaBGPRibParser.Route]] {
        var out: [String: [String: ExaBGPRibParser.Route]] = [:]
        for r in ExaBGPRibParser.routes(from: try Self.fixture(name)) { out[r.neighbor, default: [:]][ExaBGPRouteController.canonical(r.prefix)] = r }
        return out
    }

    @Test func theStepTheKeptRoutesMake() throws {
        let sessions = try Self.sessions("neighbor-extensive.txt").filter { $0.status.address != "198.51.100.9" }
        #expect(ExaBGPRouteController.originStep(Self.dns, sessions: sessions, kept: try kept("adj-rib-out-extensive.txt"), localAS: 65100) == .announce)
        #expect(ExaBGPRouteController.originStep(Self.dns, sessions: sessions, kept: try kept("adj-rib-out-extensive-empty.txt"), localAS: 65100) == .withdraw)
        var two = Self.dns
        two.deprefer?.prepend = 2
        #expect(ExaBGPRouteController.originStep(two, sessions: sessions, kept: try kept("adj-rib-out-extensive-depref.txt"), localAS: 65100) == .deprefer)
        #expect(ExaBGPRouteController.originStep(Self.dns, sessions: sessions, kept: try kept("adj-rib-out-extensive-depref.txt"), localAS: 65100) == nil,
                "attributes other than the step's are drift")
        var half = try kept("adj-rib-out-extensive.txt")
        half["2001:db8:ffff::1"] = nil
        #expect(ExaBGPRouteController.originStep(Self.dns, sessions: sessions, kept: half, localAS: 65100) == nil, "half announced")
        let all = try Self.sessions("neighbor-extensive.txt")
        #expect(ExaBGPRouteController.originStep(Self.dns, sessions: all, kept: try kept("adj-rib-out.txt"), localAS: 65100) == nil,
                "a neighbor of the family without the route (announced to one neighbor only) is drift")
        #expect(ExaBGPRouteController.originStep(Self.dns, sessions: all, kept: try kept("adj-rib-out-all-neighbors.txt"), localAS: 65100) == .announce)
    }

    @Test func theCommandsOfEachStep() throws {
        #expect(try ExaBGPRouteController.command(.announce, prefix: "203.0.113.0/24", deprefer: Self.step, localAS: nil) == "announce route 203.0.113.0/24 next-hop self")
        #expect(try ExaBGPRouteController.command(.withdraw, prefix: "2001:db8:53::/48", deprefer: Self.step, localAS: nil) == "withdraw route 2001:db8:53::/48 next-hop self")
        #expect(try ExaBGPRouteController.command(.deprefer, prefix: "203.0.113.0/24", deprefer: Self.step, localAS: 65100)
                == "announce route 203.0.113.0/24 next-hop self as-path [ 65100 65100 65100 65100 ] med 500 community [ 65535:0 ]")
        #expect(throws: ExaBGPError.self) { try ExaBGPRouteController.command(.deprefer, prefix: "203.0.113.0/24", deprefer: Self.step, localAS: nil) }
    }

    @Test(arguments: [("ESTABLISHED", BGPSessionState.established), ("IDLE", .idle), ("ACTIVE", .active), ("CONNECT", .connect),
                      ("OPENSENT", .openSent), ("OPENCONFIRM", .openConfirm), ("", .down)])
    func stateNames(name: String, expected: BGPSessionState) {
        #expect(ExaBGPNeighborParser.state(name) == expected)
    }
}
