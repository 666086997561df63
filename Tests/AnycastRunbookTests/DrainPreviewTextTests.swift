import AnycastCore
import AnycastRunbook
import Foundation
import Testing

/// Before anything is sent: whether the site's agent can keep a lease, a stage or a ticket,
/// and what the preview says of the drain's life.
@Suite struct DrainPreviewTextTests {
    typealias F = SiteFixture

    @Test func anOlderAgentIsToldApartByTheMissingLifecycleField() throws {
        let json = #"{"version": "0.0.9", "started_at": "2026-11-27T08:00:00.000Z", "now": "2026-11-27T16:00:00.000Z"}"#
        let old = try AgentJSON.decoder().decode(AgentInfo.self, from: Data(json.utf8))
        #expect(LifecycleSupport.refusal(site: "s1", agent: old, asked: ["--for", "--ticket"])
                == "s1: the agent (version 0.0.9) does not support --for and --ticket: drain leases, staged drains, tickets and extend need a newer anycast-agent; nothing was changed")
        #expect(LifecycleSupport.refusal(site: "s1", agent: old, asked: ["--for", "--ticket", "--stage"])?.contains("--for, --ticket and --stage") == true)
        #expect(LifecycleSupport.refusal(site: "s1", agent: old, asked: ["extend"])?.contains("does not support extend:") == true)
        #expect(LifecycleSupport.refusal(site: "s1", agent: old, asked: []) == nil, "a plain drain goes to any agent")
        let new = F.status([]).agent
        #expect(LifecycleSupport.refusal(site: "s1", agent: new, asked: ["--for", "extend"]) == nil)
    }

    @Test func thePreviewSaysWhetherTheDrainIsStagedHeldOrAtOnce() {
        let status = F.status([F.service(desired: .announce, observed: .announced, depreferred: false)])
        #expect(DrainPlanText.lines(DrainRequest(reason: "r", operator: "a"), status: status) == [
            "  staged: de-prefer (AS path prepended 3 times, community 65535:0), then withdraw once the traffic is under 10% of the rate before the drain, or after 1m",
        ])
        #expect(DrainPlanText.lines(DrainRequest(reason: "r", operator: "a", stage: .deprefer), status: status) == [
            "  de-prefer (AS path prepended 3 times, community 65535:0) and hold there until told to withdraw",
        ])
        #expect(DrainPlanText.lines(DrainRequest(reason: "r", operator: "a", stage: .withdraw), status: status) == [
            "  withdraw at once, without the de-prefer step",
        ])
        let flat = F.status([F.service(desired: .announce, observed: .announced, staged: false)])
        #expect(DrainPlanText.lines(DrainRequest(reason: "r", operator: "a"), status: flat) == [])
    }

    @Test func thePreviewOfNowOnAHeldDrainSaysItMovesItOn() {
        let held = F.status([F.service(desired: .drain, observed: .announced, drain: F.record(.deprefer, hold: true), depreferred: true)])
        #expect(DrainPlanText.lines(DrainRequest(reason: "r", operator: "a", stage: .withdraw), status: held) == [
            "  already drained by alice (at the de-prefer step); --now moves it on to withdraw",
        ])
    }

    @Test func thePreviewGivesTheLeaseEndTheTicketAndTheSitesPolicy() {
        var status = F.status([F.service(desired: .announce, observed: .announced, staged: false)])
        status.agent.maxLease = 8 * 3600
        status.agent.requireLease = true
        #expect(DrainPlanText.lines(DrainRequest(reason: "r", operator: "a", lease: 7200, ticket: "CHG-1"), status: status) == [
            "  lease 2h: the agent undrains by itself at 2026-11-27T19:20:00.000Z", "  ticket CHG-1",
        ])
        #expect(DrainPlanText.lines(DrainRequest(reason: "r", operator: "a"), status: status) == [
            "  this site requires a lease on every drain: give --for DURATION (e.g. --for 2h)",
        ])
        #expect(DrainPlanText.lines(DrainRequest(reason: "r", operator: "a", lease: 9 * 3600), status: status).last
                == "  the lease is longer than this site's max_lease of 8h: the agent will refuse it")
    }
}
