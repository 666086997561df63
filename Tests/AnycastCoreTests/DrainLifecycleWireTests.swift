import AnycastCore
import Foundation
import Testing

/// The drain lifecycle on the wire: new fields round-trip, an older agent's answers read as
/// "no lifecycle", and what a new agent sends still decodes in an older dashboard, which knows
/// only the values below (its enums) and ignores fields it does not know.
@Suite struct DrainLifecycleWireTests {
    static let now = Date(timeIntervalSince1970: 1_795_797_690.25)

    static let staged = ServiceStatus(
        name: "dns", prefixes: ["203.0.113.0/24"], desired: .drain, observed: .announced,
        drain: DrainRecord(operator: "alice", reason: "move traffic", since: now, mode: .operator, stage: .deprefer,
                           stageSince: now, hold: true, baselineQps: 1510.5, leaseUntil: now.addingTimeInterval(7200), ticket: "CHG-1"),
        peers: [PeerAnnouncement(peer: "upstream", observed: .announced, depreferred: true)], health: .up,
        deprefer: DepreferSummary(prepend: 3, med: 1000, gracefulShutdown: true, withdrawBelow: 0.1, stageTimeout: 300),
        depreferred: true)

    static var status: SiteStatus {
        var s = ModelRoundTripTests.status
        s.services = [staged]
        s.agent = AgentInfo(version: "0.2.0", startedAt: now, now: now, daemons: ["bird"], maxLease: 28_800, requireLease: true, drainLifecycle: true)
        return s
    }

    @Test func theNewFieldsRoundTrip() throws {
        let data = try AgentJSON.encoder().encode(Self.status)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"stage\":\"deprefer\"", "\"lease_until\"", "\"ticket\":\"CHG-1\"", "\"baseline_qps\"", "\"stage_since\"",
                    "\"hold\":true", "\"depreferred\":true", "\"withdraw_below\"", "\"graceful_shutdown\"", "\"max_lease\"",
                    "\"require_lease\"", "\"drain_lifecycle\":true"] {
            #expect(text.contains(key), "\(key) in \(text)")
        }
        #expect(try AgentJSON.decoder().decode(SiteStatus.self, from: data) == Self.status)

        let event = AgentEvent(seq: 7, time: Self.now, kind: .undrain, actor: "lease", service: "dns", message: "lease ended",
                               ticket: "CHG-1", change: .leaseExpired)
        let eventData = try AgentJSON.encoder().encode(event)
        #expect(String(decoding: eventData, as: UTF8.self).contains("\"change\":\"lease_expired\""))
        #expect(try AgentJSON.decoder().decode(AgentEvent.self, from: eventData) == event)
    }

    /// An answer of an agent from before drain leases and stages, as it wrote them.
    static let olderAgentService = """
        {"desired":"drain","drain":{"mode":"operator","operator":"bob","reason":"CHG-9","since":"2026-11-27T20:30:00.000Z"},
         "name":"dns","observed":"withdrawn","peers":[{"observed":"withdrawn","peer":"upstream"}],"prefixes":["203.0.113.0/24"]}
        """
    static let olderAgentInfo = """
        {"now":"2026-11-27T20:30:00.000Z","started_at":"2026-11-27T20:00:00.000Z","version":"0.1.0"}
        """

    @Test func anOlderAgentReadsAsOneWithoutTheLifecycle() throws {
        let service = try AgentJSON.decoder().decode(ServiceStatus.self, from: Data(Self.olderAgentService.utf8))
        #expect(service.drain?.stage == nil && service.drain?.currentStage == .withdraw && service.step == .withdraw)
        #expect(service.drain?.leaseUntil == nil && service.drain?.ticket == nil && service.deprefer == nil && service.depreferred == nil)
        let info = try AgentJSON.decoder().decode(AgentInfo.self, from: Data(Self.olderAgentInfo.utf8))
        #expect(info.drainLifecycle == nil && info.maxLease == nil && info.requireLease == nil)
    }

    @Test func valuesALaterAgentAddsAreNotErrors() throws {
        let later = Self.olderAgentService.replacingOccurrences(of: "\"mode\":\"operator\"", with: "\"mode\":\"operator\",\"stage\":\"drip\"")
        let service = try AgentJSON.decoder().decode(ServiceStatus.self, from: Data(later.utf8))
        #expect(service.drain?.currentStage == .withdraw, "an unknown step reads as withdrawn, never as announced")
        let event = """
            {"seq":1,"time":"2026-11-27T20:30:00.000Z","kind":"drain","actor":"agent","message":"m","change":"teleport"}
            """
        #expect(try AgentJSON.decoder().decode(AgentEvent.self, from: Data(event.utf8)).change == nil)
    }

    // MARK: - An older dashboard's view of a new agent

    /// The enums and fields an older dashboard decodes; everything else it ignores.
    struct OlderService: Decodable {
        enum Desired: String, Decodable { case announce, drain }
        enum Observed: String, Decodable { case announced, withdrawn, partial, unknown }
        enum Mode: String, Decodable { case `operator`, auto }
        struct Record: Decodable { var `operator`: String; var reason: String; var since: Date; var mode: Mode }
        struct Peer: Decodable { var peer: String; var observed: Observed }
        var name: String
        var prefixes: [String]
        var desired: Desired
        var observed: Observed
        var drain: Record?
        var peers: [Peer]
    }

    struct OlderEvent: Decodable {
        enum Kind: String, Decodable {
            case drain, undrain, drainFailed = "drain_failed", undrainFailed = "undrain_failed", drainVerified = "drain_verified"
            case drainNotEffective = "drain_not_effective", driftCorrected = "drift_corrected", autoWithdraw = "auto_withdraw"
            case autoAnnounce = "auto_announce", peerUp = "peer_up", peerDown = "peer_down", backendError = "backend_error"
            case backendRecovered = "backend_recovered", agentStarted = "agent_started"
        }
        var seq: UInt64
        var kind: Kind
        var actor: String
        var message: String
    }

    @Test func anOlderDashboardStillReadsANewAgent() throws {
        let data = try AgentJSON.encoder().encode(Self.staged)
        let old = try AgentJSON.decoder().decode(OlderService.self, from: data)
        #expect(old.desired == .drain && old.observed == .announced && old.drain?.operator == "alice",
                "a de-preferred service reads as a drain under way: wanted drained, still announced")

        // Every event a staged drain or a lease makes keeps a kind the older dashboard knows.
        let events: [AgentEvent] = [
            AgentEvent(seq: 1, time: Self.now, kind: .drain, actor: "alice", message: "de-prefer", change: .deprefer),
            AgentEvent(seq: 2, time: Self.now, kind: .drain, actor: "agent", message: "withdraw step", change: .withdraw),
            AgentEvent(seq: 3, time: Self.now, kind: .drain, actor: "alice", message: "held", change: .hold),
            AgentEvent(seq: 4, time: Self.now, kind: .drain, actor: "bob", message: "extended", change: .leaseExtended),
            AgentEvent(seq: 5, time: Self.now, kind: .undrain, actor: "lease", message: "lease ended", change: .leaseExpired),
            AgentEvent(seq: 6, time: Self.now, kind: .autoWithdraw, actor: "lease", message: "health down", change: .leaseExpired),
        ]
        let page = try AgentJSON.encoder().encode(EventsPage(events: events, last: 6))
        struct OlderPage: Decodable { var events: [OlderEvent]; var last: UInt64 }
        #expect(try AgentJSON.decoder().decode(OlderPage.self, from: page).events.count == 6)
    }
}
