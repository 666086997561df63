import AnycastCore
import Foundation
import Testing

@Suite struct SiteConditionTests {
    func status(_ services: [ServiceStatus]) -> SiteStatus {
        SiteStatus(site: SiteIdentity(id: "a", name: "A", region: "eu"),
                   agent: AgentInfo(version: "t", startedAt: .distantPast, now: .distantPast),
                   services: services, peers: [], traffic: .empty, latency: .none)
    }
    func svc(_ name: String, _ desired: DesiredState, _ observed: ObservedState, _ mode: DrainMode? = nil) -> ServiceStatus {
        ServiceStatus(name: name, prefixes: [], desired: desired, observed: observed,
                      drain: mode.map { DrainRecord(operator: "o", reason: "r", since: .distantPast, mode: $0) })
    }

    @Test func reachabilityComesFirst() {
        let drained = status([svc("dns", .drain, .withdrawn, .operator)])
        #expect(SiteCondition.of(status: drained, reachability: .unreachable) == .unreachable,
                "an agent that does not answer is never shown as withdrawn")
        #expect(SiteCondition.of(status: drained, reachability: .stale) == .stale)
        #expect(SiteCondition.of(status: nil, reachability: .pending) == .pending)
    }

    @Test(arguments: [
        ([("dns", DesiredState.announce, ObservedState.announced, DrainMode?.none)], SiteCondition.active),
        ([("dns", .drain, .announced, .operator)], .draining),
        ([("dns", .drain, .partial, .operator)], .draining),
        ([("dns", .drain, .withdrawn, .operator)], .drained),
        ([("dns", .drain, .withdrawn, .auto)], .autoWithdrawn),
        ([("dns", .announce, .withdrawn, nil)], .announcing),
        ([("dns", .announce, .withdrawn, nil), ("ntp", .announce, .announced, nil)], .announcing),
        ([("dns", .announce, .unknown, nil)], .unknown),
        ([("dns", .announce, .unknown, nil), ("ntp", .announce, .announced, nil)], .unknown),
        ([("dns", .announce, .partial, nil)], .partial),
        ([("dns", .announce, .partial, nil), ("ntp", .announce, .unknown, nil)], .partial),
        ([("dns", .drain, .withdrawn, .operator), ("ntp", .announce, .announced, nil)], .partial),
    ])
    func conditionFromServices(services: [(String, DesiredState, ObservedState, DrainMode?)], expected: SiteCondition) {
        let s = status(services.map { svc($0.0, $0.1, $0.2, $0.3) })
        #expect(SiteCondition.of(status: s, reachability: .ok) == expected)
    }

    @Test func badgeText() {
        #expect(SiteCondition.autoWithdrawn.badge == "AUTO-WITHDRAWN")
        #expect(SiteCondition.active.badge == "ACTIVE")
    }
}
