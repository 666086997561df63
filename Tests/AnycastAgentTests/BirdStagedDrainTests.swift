@testable import AnycastAgent
import AnycastCore
import Foundation
import Testing

/// The BIRD route controller's staged drain: the attributes it reads from `show route export
/// PEER all` (captured from BIRD 2.0.12 with the de-prefer origin enabled, and without), the
/// step it reads from the protocols' states, and the order of its enable/disable commands.
@Suite struct BirdStagedDrainTests {
    /// What the captured de-prefer origin adds: `bgp_path.prepend(65100)` twice, MED 1000, 65535:0.
    static let captured = DepreferStep(originProtocols: ["anycast4_depref"], prepend: 2, med: 1000, gracefulShutdown: true)

    static func exported(_ name: String) throws -> BirdRoute {
        let routes = try BirdRouteParser.parse(BirdParserTests.reply(name), now: BirdParserTests.now)
        return try #require(routes.first { $0.prefix == "203.0.113.0/24" })
    }

    @Test func theDepreferredExportCarriesTheAttributes() throws {
        let route = try Self.exported("show-route-export-upstream-all-depref")
        #expect(route.proto == "anycast4_depref" && route.preference == 50)
        #expect(BirdRouteController.carries(Self.captured, route))
        #expect(BirdRouteController.carries(DepreferStep(originProtocols: [], gracefulShutdown: true), route))
        var more = Self.captured
        more.prepend = 3
        #expect(!BirdRouteController.carries(more, route), "two prepends are not three")
        var otherMED = Self.captured
        otherMED.med = 50
        #expect(!BirdRouteController.carries(otherMED, route))
    }

    @Test func theNormalExportCarriesNone() throws {
        let route = try Self.exported("show-route-export-upstream-all")
        #expect(route.proto == "anycast4")
        #expect(!BirdRouteController.carries(Self.captured, route))
        #expect(!BirdRouteController.carries(DepreferStep(originProtocols: [], gracefulShutdown: true), route))
        #expect(!BirdRouteController.carries(DepreferStep(originProtocols: [], prepend: 1), route))
    }

    static func proto(_ name: String, _ state: String) -> BirdProtocolInfo {
        BirdProtocolInfo(name: name, proto: "Static", state: state, info: "")
    }

    @Test func theStepFollowsWhichOriginsAreUp() {
        let normal = [Self.proto("anycast4", "up")], normalDown = [Self.proto("anycast4", "down")]
        let depref = [Self.proto("anycast4_depref", "up")], deprefDown = [Self.proto("anycast4_depref", "down")]
        #expect(BirdRouteController.originStep(normal: normal, deprefer: deprefDown) == .announce)
        #expect(BirdRouteController.originStep(normal: normalDown, deprefer: depref) == .deprefer)
        #expect(BirdRouteController.originStep(normal: normalDown, deprefer: deprefDown) == .withdraw)
        #expect(BirdRouteController.originStep(normal: normal, deprefer: depref) == nil, "both up is no step: drift")
        #expect(BirdRouteController.originStep(normal: normal, deprefer: [nil]) == nil, "a missing de-prefer protocol is drift")
        #expect(BirdRouteController.originStep(normal: normal, deprefer: nil) == .announce)
        #expect(BirdRouteController.originStep(normal: normalDown, deprefer: nil) == .withdraw)
    }

    /// Every step's commands, in order: the protocol that will carry the route is enabled
    /// before the other is disabled.
    @Test(arguments: [
        (RouteStep.deprefer, ["enable anycast4_depref", "disable anycast4"]),
        (RouteStep.announce, ["enable anycast4", "disable anycast4_depref"]),
        (RouteStep.withdraw, ["disable anycast4", "disable anycast4_depref"]),
    ])
    func commandsMakeBeforeTheyBreak(step: RouteStep, expected: [String]) async throws {
        let enabled = try BirdControlClientTests.fixture("enable-anycast4")
        let disabled = try BirdControlClientTests.fixture("disable-anycast4")
        let drained = "\"drained by alice: CHG-1\""
        let idle = "\"de-prefer origin, off while announced normally\""
        var script = BirdControlClientTests.Script()
        for name in ["anycast4", "anycast4_depref"] {
            script.replies["enable \(name)"] = enabled
            script.replies["disable \(name) \(drained)"] = disabled
            script.replies["disable \(name) \(idle)"] = disabled
        }
        let service = ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24"], originProtocols: ["anycast4"],
                                        deprefer: Self.captured)
        let record = DrainRecord(operator: "alice", reason: "CHG-1", since: Date(), mode: .operator)
        try await BirdControlClientTests.withFakeBird(script) { bird in
            let client = BirdControlClient(socketPath: bird.path, commandTimeout: .seconds(2))
            defer { client.close() }
            try await BirdRouteController(client: client).apply(step, to: service, record: step == .announce ? nil : record)
            let sent = bird.stats.commands.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
            #expect(sent == expected)
            if step != .announce {
                #expect(bird.stats.commands.filter { $0.hasPrefix("disable") }.allSatisfy { $0.hasSuffix(drained) }, "who and why go with the disable")
            }
        }
    }
}

/// Which prefixes a BIRD session is asked to carry: those of the families it has channels for,
/// so a site with a session per family is not half announced to each.
@Suite struct BirdSessionFamilyTests {
    @Test func theCapturedSessionCarriesBothFamilies() throws {
        let protocols = try BirdProtocolParser.parse(BirdParserTests.reply("show-protocols-all"), now: BirdParserTests.now)
        let upstream = try #require(protocols.first { $0.isBGP })
        #expect(BirdRouteController.families(upstream.channels) == [.ipv4, .ipv6])
    }

    @Test func aSessionPerFamily() {
        #expect(BirdRouteController.families([.init(name: "ipv4", state: "UP")]) == [.ipv4])
        #expect(BirdRouteController.families([.init(name: "ipv6", state: "UP")]) == [.ipv6])
        #expect(BirdRouteController.families([]) == nil, "no channels named: every prefix is wanted")
    }
}
