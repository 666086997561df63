@testable import AnycastAgent
import AnycastCore
import Foundation
import Testing

/// GoBGP's gobgp -j answers, captured unedited from GoBGP 3.10 in a two-namespace lab
/// (`scripts/lab/capture-gobgp-fixtures.sh`, see Fixtures/gobgp/README.md), and the route
/// controller's reading of them and the commands it sends.
@Suite struct GoBGPTests {
    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/gobgp/\(name)")
        return String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    static let step = DepreferStep(originProtocols: [], prepend: 3, med: 500, gracefulShutdown: true)
    static let dns = ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24", "2001:db8:53::/48"], deprefer: step)

    @Test func sessionsFamiliesAndTheLocalAS() throws {
        let sessions = try GoBGPNeighborParser.sessions(from: Self.fixture("neighbor-list.json"))
        #expect(sessions.map(\.status.address) == ["198.51.100.1", "198.51.100.9", "2001:db8:ffff::1"])
        #expect(sessions.map(\.status.state) == [.established, .active, .established])
        #expect(sessions.map(\.families) == [[.ipv4], [.ipv4], [.ipv6]])
        #expect(sessions[0].status.asn == 65000 && sessions[0].localAS == 65100)
        #expect(sessions[0].status.since == Date(timeIntervalSince1970: 1_796_269_945), "uptime is when the session came up")
        #expect(sessions[1].status.since == nil)
        let down = try GoBGPNeighborParser.sessions(from: Self.fixture("neighbor-list-session-down.json"))
        #expect(down.first { $0.status.address == "198.51.100.1" }?.status.state == .idle)
    }

    func routes(_ name: String) throws -> [GoBGPRibParser.Route] { try GoBGPRibParser.routes(from: Self.fixture(name)) }

    @Test func whatIsSentFullDepreferredAndEmpty() throws {
        let full = try routes("adj-out-ipv4-full.json")
        #expect(full.map(\.prefix) == ["203.0.113.0/24"] && full[0].asPath == [65100] && full[0].communities.isEmpty)
        let depref4 = try routes("adj-out-ipv4-depref.json"), depref6 = try routes("adj-out-ipv6-depref.json")
        for r in [depref4[0], depref6[0]] {
            #expect(r.asPath == [65100, 65100, 65100, 65100] && r.med == 500 && r.communities == [GoBGPRibParser.gracefulShutdown])
            #expect(GoBGPRouteController.carries(Self.step, r))
        }
        #expect(!GoBGPRouteController.carries(Self.step, full[0]))
        var four = Self.step
        four.prepend = 4
        #expect(!GoBGPRouteController.carries(four, depref4[0]), "three prepends and the AS gobgpd adds are not four prepends")
        for empty in ["adj-out-ipv4-empty.json", "adj-out-ipv6-empty.json", "adj-out-ipv4-to-ipv6-peer.json"] {
            #expect(try routes(empty).isEmpty, "\(empty)")
        }
    }

    @Test func theStepTheGlobalRIBMakes() throws {
        func local(_ names: String...) throws -> [String: GoBGPRibParser.Route] {
            var out: [String: GoBGPRibParser.Route] = [:]
            for name in names { for r in try routes(name) where r.local { out[GoBGPRouteController.canonical(r.prefix)] = r } }
            return out
        }
        #expect(GoBGPRouteController.originStep(Self.dns, local: try local("global-rib-ipv4.json", "global-rib-ipv6.json"), localAS: 65100) == .announce)
        #expect(GoBGPRouteController.originStep(Self.dns, local: try local("global-rib-ipv4-depref.json", "global-rib-ipv6-depref.json"), localAS: 65100) == .deprefer)
        #expect(GoBGPRouteController.originStep(Self.dns, local: try local("global-rib-ipv4-empty.json", "global-rib-ipv6-empty.json"), localAS: 65100) == .withdraw)
        #expect(GoBGPRouteController.originStep(Self.dns, local: try local("global-rib-ipv4.json", "global-rib-ipv6-empty.json"), localAS: 65100) == nil, "half announced")
        #expect(GoBGPRouteController.originStep(Self.dns, local: try local("global-rib-ipv4.json", "global-rib-ipv6-depref.json"), localAS: 65100) == nil, "half de-preferred")
        var other = Self.dns
        other.deprefer?.med = 900
        #expect(GoBGPRouteController.originStep(other, local: try local("global-rib-ipv4-depref.json", "global-rib-ipv6-depref.json"), localAS: 65100) == nil,
                "attributes other than the step's are drift")
        let received = try routes("global-rib-ipv4-received.json")
        #expect(received.filter(\.local).map(\.prefix) == ["203.0.113.0/24"], "a path learned from a peer is not the site's own")
    }

    @Test func theCommandsOfEachStep() throws {
        #expect(try GoBGPRouteController.arguments(.announce, prefix: "203.0.113.0/24", deprefer: Self.step, localAS: nil)
                == ["global", "rib", "add", "-a", "ipv4", "203.0.113.0/24", "origin", "igp"])
        #expect(try GoBGPRouteController.arguments(.withdraw, prefix: "2001:db8:53::/48", deprefer: Self.step, localAS: nil)
                == ["global", "rib", "del", "-a", "ipv6", "2001:db8:53::/48"])
        #expect(try GoBGPRouteController.arguments(.deprefer, prefix: "203.0.113.0/24", deprefer: Self.step, localAS: 65100)
                == ["global", "rib", "add", "-a", "ipv4", "203.0.113.0/24", "origin", "igp", "aspath", "65100,65100,65100", "med", "500", "community", "65535:0"])
        #expect(throws: GoBGPError.self) { try GoBGPRouteController.arguments(.deprefer, prefix: "203.0.113.0/24", deprefer: nil, localAS: 65100) }
    }

    @Test func errorsAreToldApart() throws {
        #expect(GoBGPReply.failure(in: try Self.fixture("daemon-down.txt")) == .daemonDown("context deadline exceeded"))
        #expect(GoBGPReply.failure(in: try Self.fixture("adj-out-unknown-peer.txt")) == .refused("not found neighbor 198.51.100.7"))
        #expect(GoBGPReply.failure(in: try Self.fixture("adj-out-down-peer.json")) == .refused("neighbor 198.51.100.9's BGP session is not established"))
        #expect(GoBGPReply.failure(in: try Self.fixture("bad-command-json.txt")) == .refused("error: invalid CIDR address: 203.0.113.0/33"))
        #expect(GoBGPReply.failure(in: try Self.fixture("bad-command.txt")) == .refused("error: invalid CIDR address: 203.0.113.0/33"))
        #expect(GoBGPReply.failure(in: try Self.fixture("global-rib-del-absent.txt")) == nil)
        // Only the first line, whatever ends it.
        #expect(GoBGPReply.failure(in: "error: invalid CIDR address: 203.0.113.0/33\r\nusage: gobgp global rib add") == .refused("error: invalid CIDR address: 203.0.113.0/33"))
        #expect(GoBGPReply.failure(in: "error: invalid CIDR address\rusage") == .refused("error: invalid CIDR address"))
        #expect(throws: GoBGPError.self) { try GoBGPNeighborParser.sessions(from: "") }
    }

    @Test(arguments: [(1, BGPSessionState.idle), (2, .connect), (3, .active), (4, .openSent), (5, .openConfirm), (6, .established), (0, .down), (9, .down)])
    func stateNumbers(number: Int, expected: BGPSessionState) {
        #expect(GoBGPNeighborParser.state(number) == expected)
    }
}
