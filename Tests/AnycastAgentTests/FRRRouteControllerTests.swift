@testable import AnycastAgent
import AnycastCore
import Foundation
import Testing

/// The FRR route controller's reading of the captured running configs and routes, and the
/// configuration lines it writes for each step.
@Suite struct FRRRouteControllerTests {
    static let step = DepreferStep(originProtocols: [], prepend: 3, med: 500, gracefulShutdown: true)
    static let dns = ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24", "2001:db8:53::/48"], deprefer: step)

    static func config(_ name: String) throws -> FRRRunningConfig {
        FRRRunningConfig.parse(try FRRParserTests.fixture(name))
    }

    @Test func theStepTheCapturedConfigsMake() throws {
        #expect(FRRRouteController.originStep(Self.dns, config: try Self.config("running-config.txt")) == .announce)
        #expect(FRRRouteController.originStep(Self.dns, config: try Self.config("running-config-depref.txt")) == .deprefer)
        #expect(FRRRouteController.originStep(Self.dns, config: try Self.config("running-config-withdrawn.txt")) == .withdraw)
    }

    @Test func halfAStepIsDrift() throws {
        var one = try Self.config("running-config.txt")
        one.networks[IPPrefix.canonical("2001:db8:53::/48")!] = nil
        #expect(FRRRouteController.originStep(Self.dns, config: one) == nil, "one prefix announced, one not")
        var mixed = try Self.config("running-config-depref.txt")
        mixed.networks[IPPrefix.canonical("203.0.113.0/24")!] = .some(nil)
        #expect(FRRRouteController.originStep(Self.dns, config: mixed) == nil, "one prefix de-preferred, one not")
        var edited = try Self.config("running-config-depref.txt")
        edited.routeMaps["ANYCAST-DEPREF-dns"] = ["set metric 500"]
        #expect(FRRRouteController.originStep(Self.dns, config: edited) == nil, "the route-map no longer sets what the step says")
        var gone = try Self.config("running-config-depref.txt")
        gone.routeMaps["ANYCAST-DEPREF-dns"] = nil
        #expect(FRRRouteController.originStep(Self.dns, config: gone) == nil, "the route-map was deleted")
        var noStep = Self.dns
        noStep.deprefer = nil
        #expect(FRRRouteController.originStep(noStep, config: try Self.config("running-config-depref.txt")) == nil)
    }

    @Test func theSetClausesAreWhatFRRWritesBack() throws {
        let captured = try Self.config("running-config-depref.txt").routeMaps["ANYCAST-DEPREF-dns"]
        #expect(captured.map(Set.init) == Set(FRRRouteController.setClauses(Self.step, localAS: 65100)))
        #expect(FRRRouteController.setClauses(DepreferStep(originProtocols: [], prepend: 1), localAS: 64512) == ["set as-path prepend 64512"])
    }

    @Test func whatIsSentCarriesTheStepOnlyWhenDepreferred() throws {
        let sent = try #require(try FRRAdvertisedParser.routes(from: FRRParserTests.fixture("advertised-ipv4-depref.json")).first)
        let normal = try #require(try FRRAdvertisedParser.routes(from: FRRParserTests.fixture("advertised-ipv4-full.json")).first)
        let communities = try #require(try FRRRouteDetailParser.localCommunities(from: FRRParserTests.fixture("route-ipv4-depref.json")))
        #expect(FRRRouteController.carries(Self.step, sent, communities: communities))
        #expect(!FRRRouteController.carries(Self.step, sent, communities: []), "prepends and MED without 65535:0")
        #expect(!FRRRouteController.carries(Self.step, normal, communities: communities))
        var four = Self.step
        four.prepend = 4
        #expect(!FRRRouteController.carries(four, sent, communities: communities))
    }

    @Test func theLinesForEachStepFromEachState() throws {
        let announced = try Self.config("running-config.txt")
        let depref = try Self.config("running-config-depref.txt")
        let withdrawn = try Self.config("running-config-withdrawn.txt")
        #expect(try FRRRouteController.configLines(.withdraw, service: Self.dns, config: announced) == [
            "router bgp 65100",
            "address-family ipv4 unicast", "no network 203.0.113.0/24", "exit-address-family",
            "address-family ipv6 unicast", "no network 2001:db8:53::/48", "exit-address-family",
            "exit",
        ])
        #expect(try FRRRouteController.configLines(.deprefer, service: Self.dns, config: announced) == [
            "route-map ANYCAST-DEPREF-dns permit 10",
            "set as-path prepend 65100 65100 65100", "set community graceful-shutdown additive", "set metric 500",
            "exit",
            "router bgp 65100",
            "address-family ipv4 unicast", "network 203.0.113.0/24 route-map ANYCAST-DEPREF-dns", "exit-address-family",
            "address-family ipv6 unicast", "network 2001:db8:53::/48 route-map ANYCAST-DEPREF-dns", "exit-address-family",
            "exit",
        ], "the route-map first, then the statements point at it (replaced in place, never withdrawn)")
        #expect(try FRRRouteController.configLines(.announce, service: Self.dns, config: depref) == [
            "router bgp 65100",
            "address-family ipv4 unicast", "network 203.0.113.0/24", "exit-address-family",
            "address-family ipv6 unicast", "network 2001:db8:53::/48", "exit-address-family",
            "exit",
        ])
        #expect(try FRRRouteController.configLines(.announce, service: Self.dns, config: announced).isEmpty, "already there")
        #expect(try FRRRouteController.configLines(.deprefer, service: Self.dns, config: depref).isEmpty, "already there")
        #expect(try FRRRouteController.configLines(.withdraw, service: Self.dns, config: withdrawn).isEmpty, "nothing to remove")
    }

    @Test func aChangedStepRewritesOnlyTheRouteMapClausesThatDiffer() throws {
        var depref = try Self.config("running-config-depref.txt")
        depref.routeMaps["ANYCAST-DEPREF-dns"] = ["set as-path prepend 65100 65100 65100", "set metric 900", "set local-preference 10"]
        let lines = try FRRRouteController.configLines(.deprefer, service: Self.dns, config: depref)
        #expect(lines == [
            "route-map ANYCAST-DEPREF-dns permit 10",
            "no set metric 900", "no set local-preference 10",
            "set as-path prepend 65100 65100 65100", "set community graceful-shutdown additive", "set metric 500",
            "exit",
        ])
    }

    @Test func noRouterBGPIsAClearError() {
        #expect(throws: FRRReplyError.self) { try FRRRouteController.configLines(.announce, service: Self.dns, config: FRRRunningConfig()) }
    }
}
