import AnycastCore
import Foundation
import Testing

@Suite struct ModelRoundTripTests {
    static let now = Date(timeIntervalSince1970: 1_795_797_690.25)

    static let status = SiteStatus(
        site: SiteIdentity(id: "ams1", name: "Amsterdam", region: "eu", location: "NL"),
        agent: AgentInfo(version: "0.1.0", startedAt: now.addingTimeInterval(-3600), now: now),
        services: [
            ServiceStatus(name: "dns", prefixes: ["203.0.113.0/24", "2001:db8:53::/48"], desired: .drain, observed: .partial,
                          drain: DrainRecord(operator: "alice", reason: "CHG-1: \"quotes\" and ünïcode", since: now, mode: .operator),
                          peers: [PeerAnnouncement(peer: "t1", observed: .withdrawn), PeerAnnouncement(peer: "t2", observed: .announced)],
                          health: .up),
        ],
        peers: [
            PeerStatus(name: "t1", address: "198.51.100.1", asn: 4_200_000_000, state: .established, since: now, exported: 0),
            PeerStatus(name: "t2", address: "2001:db8::1", asn: 64496, state: .openConfirm, exported: 2, lastError: "Hold timer expired"),
        ],
        traffic: TrafficStatus(qps: 1234.5, queriesTotal: UInt64.max, rcodes: ["NOERROR": 5, "SERVFAIL": 1], sampledAt: now,
                               history: [RatePoint(t: now.addingTimeInterval(-1), qps: 1200.25), RatePoint(t: now, qps: 1234.5)]),
        latency: LatencyStatus(p50Ms: 0.84, p95Ms: nil, p99Ms: 3.5, source: "probe"),
        health: [HealthCheckStatus(name: "dns-probe", state: .down, detail: "timeout", since: now)],
        errors: [BackendError(source: "routes", message: "socket gone")])

    @Test func siteStatusRoundTrips() throws {
        let data = try AgentJSON.encoder().encode(Self.status)
        let back = try AgentJSON.decoder().decode(SiteStatus.self, from: data)
        #expect(back == Self.status)
    }

    @Test func statusUpdateRoundTripsAndMerges() throws {
        let later = Self.now.addingTimeInterval(1)
        let update = StatusUpdate(
            revision: "e3caebd8412c7ed3", now: later, qps: 1300, queriesTotal: 99, rcodes: ["NOERROR": 99, "SERVFAIL": 2],
            sampledAt: later, latency: LatencyStatus(p50Ms: 1.5, p95Ms: 2, p99Ms: 4.25, source: "probe"),
            history: [RatePoint(t: later, qps: 1300)], status: nil)
        let data = try AgentJSON.encoder().encode(update)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""history":[1795797691.25,1300]"#), "history is flat pairs: \(text)")
        #expect(!text.contains("\"status\""))
        #expect(text.contains(#""rcode_names":["NOERROR","SERVFAIL"],"rcode_totals":[99,2]"#), "\(text)")
        let back = try AgentJSON.decoder().decode(StatusUpdate.self, from: data)
        #expect(back == update)

        let merged = try #require(back.applied(to: Self.status))
        #expect(merged.traffic.qps == 1300 && merged.latency.p99Ms == 4.25)
        #expect(merged.traffic.history.isEmpty, "the new points are the caller's history's, not the status's")
        #expect(merged.agent.now == later)
        #expect(merged.services == Self.status.services && merged.peers == Self.status.peers, "the slow part is kept")
        #expect(back.applied(to: nil) == nil, "an update of nothing is not a status")

        var full = update
        full.status = Self.status
        let withStatus = try AgentJSON.decoder().decode(StatusUpdate.self, from: AgentJSON.encoder().encode(full))
        #expect(withStatus.applied(to: nil)?.traffic.history == update.history)

        for odd in [#"{"revision":"a","now":1,"history":[1,2,3]}"#, #"{"revision":"a","now":1,"rcode_names":["NOERROR"],"rcode_totals":[]}"#] {
            #expect(throws: DecodingError.self) { try AgentJSON.decoder().decode(StatusUpdate.self, from: Data(odd.utf8)) }
        }
    }

    @Test func wireNamesAreSnakeCase() throws {
        let text = String(decoding: try AgentJSON.encoder().encode(Self.status), as: UTF8.self)
        for key in ["\"queries_total\"", "\"sampled_at\"", "\"started_at\"", "\"p50_ms\"", "\"last_error\"", "\"opensent\"", "\"openconfirm\""]
        where key != "\"opensent\"" {
            #expect(text.contains(key), "\(key)")
        }
        #expect(text.contains("\"t\":1795797690.25"), "history times are Unix seconds")
        #expect(text.contains("\"since\":\"2026-11-27T"), "other times are ISO 8601")
    }

    @Test func eventAndRequestsRoundTrip() throws {
        let event = AgentEvent(seq: 7, time: Self.now, kind: .driftCorrected, actor: "agent", service: "dns", message: "m")
        #expect(try AgentJSON.decoder().decode(AgentEvent.self, from: AgentJSON.encoder().encode(event)) == event)
        let drain = DrainRequest(service: nil, reason: "r", operator: "o")
        #expect(try AgentJSON.decoder().decode(DrainRequest.self, from: AgentJSON.encoder().encode(drain)) == drain)
    }

    @Test func datesWithoutFractionParse() {
        #expect(ISO8601Time.parse("2026-11-27T16:41:30Z") == Date(timeIntervalSince1970: 1_795_797_690))
        #expect(ISO8601Time.parse("2026-11-27T16:41:30.250Z") == Date(timeIntervalSince1970: 1_795_797_690.25))
        #expect(ISO8601Time.parse("yesterday") == nil)
    }

    @Test func requestValidation() {
        #expect(throws: RequestValidationError.self) { try DrainRequest(reason: "  ", operator: "a").validate() }
        #expect(throws: RequestValidationError.self) { try DrainRequest(reason: String(repeating: "x", count: 501), operator: "a").validate() }
        #expect(throws: RequestValidationError.self) { try DrainRequest(reason: "ok", operator: "").validate() }
        #expect(throws: RequestValidationError.self) { try DrainRequest(reason: "ok", operator: "a\u{1B}[2J").validate() }
        #expect(throws: Never.self) { try DrainRequest(reason: String(repeating: "x", count: 500), operator: "alice").validate() }
        #expect(throws: Never.self) { try UndrainRequest(operator: "alice").validate() }
        #expect(throws: RequestValidationError.self) { try UndrainRequest(reason: String(repeating: "x", count: 501), operator: "a").validate() }
    }
}

@Suite struct ISO8601TimeTests {
    @Test func formatsAndParsesTheAPIForm() {
        let cases: [(Double, String)] = [
            (0, "1970-01-01T00:00:00.000Z"), (1_795_797_690.25, "2026-11-27T16:41:30.250Z"),
            (951_782_400, "2000-02-29T00:00:00.000Z"), (-86_400.5, "1969-12-30T23:59:59.500Z"),
            (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
        ]
        for (seconds, text) in cases {
            #expect(ISO8601Time.format(Date(timeIntervalSince1970: seconds)) == text)
            #expect(ISO8601Time.parse(text).map { abs($0.timeIntervalSince1970 - seconds) < 0.0005 } == true, "\(text)")
        }
    }

    @Test func agreesWithFoundationOnOtherForms() {
        #expect(ISO8601Time.parse("2026-11-27T17:41:30+01:00") == Date(timeIntervalSince1970: 1_795_797_690))
        #expect(ISO8601Time.parse("2026-11-27T16:41:30.5Z") == Date(timeIntervalSince1970: 1_795_797_690.5))
        for bad in ["2026-13-27T16:41:30Z", "2026-11-27 16:41:30Z", "2026-11-27T16:41:30.Z", "2026-11-27T16:4x:30Z", "", "Z"] {
            #expect(ISO8601Time.parse(bad) == nil, "\(bad)")
        }
    }
}
