import AnycastCore
import AnycastRunbook
import Foundation
import Testing

/// What the drain and undrain commands print while they wait, and when they stop waiting:
/// each step of a staged drain as the agent's answers show it, on no clock but the times given.
@Suite struct RouteChangeWatchTests {
    typealias F = SiteFixture
    static let attributes = "AS path prepended 3 times, community 65535:0"

    /// A drain of s1's dns accepted at 0 s, staged (at de-prefer, still announced normally).
    func stagedWatch(hold: Bool = false, wait: Duration = .seconds(10)) -> (RouteChangeWatch, SiteStatus) {
        let accepted = F.status([F.service(desired: .drain, observed: .announced, drain: F.record(.deprefer, hold: hold ? true : nil), depreferred: false)])
        return (RouteChangeWatch(kind: .drain, site: "s1", service: nil, holdAtDeprefer: hold, accepted: accepted, start: .zero, wait: wait), accepted)
    }

    func depreferred(qps: Double, agentNow: TimeInterval, hold: Bool = false) -> SiteStatus {
        F.status([F.service(desired: .drain, observed: .announced, drain: F.record(.deprefer, hold: hold ? true : nil), depreferred: true)],
                 qps: qps, agentNow: agentNow)
    }

    func movedOn(observed: ObservedState) -> SiteStatus {
        var record = F.record(.withdraw)
        record.stageSince = F.t0.addingTimeInterval(4)
        return F.status([F.service(desired: .drain, observed: observed, drain: record, depreferred: true)], qps: 55, agentNow: 5)
    }

    @Test func aStagedDrainSaysEachStepItWaitsForAndEndsWithdrawn() {
        var (watch, accepted) = stagedWatch()
        #expect(watch.opening(accepted) == [
            "s1: staged drain: de-prefer (\(Self.attributes)), then withdraw once the traffic is under 10% of the 1510 qps before the drain, or after 1m",
        ])
        #expect(watch.observe(accepted, at: .milliseconds(100)) == [])
        #expect(watch.observe(depreferred(qps: 513, agentNow: 2), at: .milliseconds(1600)) == [
            "s1: de-preferred (\(Self.attributes)), verified at every peer after 1.6 s",
            "s1: traffic 34% of the 1510 qps before the drain (513 qps now); withdraws under 10%, or in 58s at the latest",
        ])
        #expect(watch.observe(depreferred(qps: 200, agentNow: 3), at: .milliseconds(2600)) == [], "a traffic line every 2 s, not every poll")
        #expect(watch.observe(depreferred(qps: 120, agentNow: 4), at: .milliseconds(3700)) == [
            "s1: traffic 7.9% of the 1510 qps before the drain (120 qps now); withdraws under 10%, or in 56s at the latest",
        ])
        let why = "withdraw step of alice's drain: the site's rate is 55.0 qps, under 10% of the 1510 qps before the drain"
        let event = AgentEvent(seq: 9, time: F.t0, kind: .drain, actor: "agent", service: "dns", message: why, change: .withdraw)
        #expect(watch.observe(movedOn(observed: .announced), events: [event], at: .milliseconds(4500)) == ["s1: moving on to withdraw: \(why)"])
        #expect(watch.verdict == .waiting)
        #expect(watch.observe(movedOn(observed: .withdrawn), at: .milliseconds(6200)) == ["s1: withdrawn from every peer after 6.2 s; status DRAINED"])
        #expect(watch.verdict == .done)
    }

    @Test func aMoveOnWhoseEventDidNotComeIsStillSaid() {
        var (watch, _) = stagedWatch()
        _ = watch.observe(depreferred(qps: 513, agentNow: 2), at: .seconds(2))
        #expect(watch.observe(movedOn(observed: .announced), at: .seconds(3)) == [])
        #expect(watch.observe(movedOn(observed: .withdrawn), at: .seconds(4)) == [
            "s1: moved on to withdraw", "s1: withdrawn from every peer after 4 s; status DRAINED",
        ])
    }

    @Test func aPollThatComesLateShowsEveryStepItMissed() {
        var (watch, _) = stagedWatch()
        #expect(watch.observe(movedOn(observed: .withdrawn), at: .seconds(5)) == [
            "s1: moved on to withdraw", "s1: withdrawn from every peer after 5 s; status DRAINED",
        ])
        #expect(watch.verdict == .done)
    }

    @Test func heldAtDepreferItStopsOnceTheDepreferIsVerified() {
        var (watch, accepted) = stagedWatch(hold: true)
        #expect(watch.opening(accepted) == ["s1: drain held at the de-prefer step: still announced, with \(Self.attributes), until told to withdraw"])
        #expect(watch.observe(depreferred(qps: 513, agentNow: 2, hold: true), at: .milliseconds(1600)) == [
            "s1: de-preferred (\(Self.attributes)), verified at every peer after 1.6 s",
            "s1: held at the de-prefer step after 1.6 s: 'anycast-dash drain s1 --now' withdraws it, 'anycast-dash undrain s1' announces it normally again",
        ])
        #expect(watch.verdict == .done)
    }

    @Test func nowOnAHeldDrainWaitsForTheWithdrawalOnly() {
        var record = F.record(.withdraw)
        record.stageSince = F.t0.addingTimeInterval(30)
        let accepted = F.status([F.service(desired: .drain, observed: .announced, drain: record, depreferred: true)])
        var watch = RouteChangeWatch(kind: .drain, site: "s1", service: nil, holdAtDeprefer: false, accepted: accepted, start: .zero, wait: .seconds(10))
        #expect(watch.opening(accepted) == [])
        #expect(watch.observe(accepted, at: .milliseconds(50)) == [])
        let withdrawn = F.status([F.service(desired: .drain, observed: .withdrawn, drain: record)])
        #expect(watch.observe(withdrawn, at: .milliseconds(1500)) == ["s1: withdrawn from every peer after 1.5 s; status DRAINED"])
    }

    @Test func aDepreferNotSeenWithinTheWaitFailsSayingWhatItWaitedFor() {
        var (watch, accepted) = stagedWatch(wait: .milliseconds(300))
        #expect(watch.observe(accepted, at: .milliseconds(250)) == [])
        #expect(watch.verdict == .waiting)
        _ = watch.observe(accepted, at: .milliseconds(400))
        #expect(watch.verdict == .failed(
            "s1: the agent accepted the drain, but the routes did not change within 300 ms: waited for dns to be de-preferred (\(Self.attributes)) at every peer"))
    }

    @Test func aStagedDrainMayTakeItsStageTimeoutPlusTheWaitAndNoMore() {
        var (watch, _) = stagedWatch()
        _ = watch.observe(depreferred(qps: 513, agentNow: 2), at: .seconds(2))
        #expect(watch.observe(depreferred(qps: 400, agentNow: 69), at: .seconds(69)) == [
            "s1: traffic 26% of the 1510 qps before the drain (400 qps now); withdraws under 10%, or in 0s at the latest",
        ])
        #expect(watch.verdict == .waiting, "the agent moves on at 60 s; the wait covers its refresh")
        _ = watch.observe(depreferred(qps: 400, agentNow: 70), at: .milliseconds(70_100))
        #expect(watch.verdict == .failed(
            "s1: dns is still de-preferred after 70.1 s: waited for the agent to withdraw it (the traffic under 10% of the rate before the drain, or its stage_timeout of 1m), plus 10 s"))
    }

    @Test func anAgentThatStopsAnsweringFailsOnlyOnceTheStepIsLate() {
        var (watch, _) = stagedWatch()
        watch.noAnswer(at: .seconds(5), error: "timed out after 5000 ms")
        #expect(watch.verdict == .waiting)
        watch.noAnswer(at: .seconds(11), error: "timed out after 5000 ms")
        #expect(watch.verdict == .failed(
            "s1: the agent accepted the drain, but the routes did not change within 10 s: waited for dns to be de-preferred (\(Self.attributes)) at every peer; the agent's last answer: timed out after 5000 ms"))
    }

    @Test func anUndrainDuringTheDrainEndsTheWait() {
        var (watch, _) = stagedWatch()
        _ = watch.observe(depreferred(qps: 513, agentNow: 2), at: .seconds(2))
        _ = watch.observe(F.status([F.service(desired: .announce, observed: .announced, depreferred: true)]), at: .seconds(3))
        #expect(watch.verdict == .failed("s1: dns was undrained while the drain was under way"))
    }

    @Test func aDrainWithoutADepreferStepEndsAsItAlwaysDid() {
        let record = DrainRecord(operator: "alice", reason: "r", since: F.t0, mode: .operator, stage: .withdraw, stageSince: F.t0)
        let accepted = F.status([F.service(desired: .drain, observed: .announced, drain: record, staged: false)])
        var watch = RouteChangeWatch(kind: .drain, site: "s1", service: nil, holdAtDeprefer: false, accepted: accepted, start: .zero, wait: .seconds(10))
        #expect(watch.opening(accepted) == [])
        #expect(watch.observe(accepted, at: .milliseconds(20)) == [])
        let withdrawn = F.status([F.service(desired: .drain, observed: .withdrawn, drain: record, staged: false)])
        #expect(watch.observe(withdrawn, at: .milliseconds(1400)) == ["s1: withdrawn from every peer after 1.4 s; status DRAINED"])
    }

    @Test func theLeaseAndTicketAreSaidWithTheirEnd() {
        let accepted = F.status([F.service(desired: .drain, observed: .announced, drain: F.record(.deprefer, lease: 30, ticket: "CHG-1"), depreferred: false)])
        let watch = RouteChangeWatch(kind: .drain, site: "s1", service: nil, holdAtDeprefer: false, accepted: accepted, start: .zero, wait: .seconds(10))
        #expect(watch.opening(accepted).last == "s1: lease until 2026-11-27T17:20:30.000Z (30s from now): the agent undrains by itself then; ticket CHG-1")
    }

    @Test func withSeveralServicesEachIsNamed() {
        let hard = DrainRecord(operator: "alice", reason: "r", since: F.t0, mode: .operator, stage: .withdraw, stageSince: F.t0)
        let accepted = F.status([
            F.service(desired: .drain, observed: .announced, drain: F.record(.deprefer), depreferred: false),
            F.service("ntp", desired: .drain, observed: .announced, drain: hard, staged: false),
        ])
        var watch = RouteChangeWatch(kind: .drain, site: "s1", service: nil, holdAtDeprefer: false, accepted: accepted, start: .zero, wait: .seconds(10))
        #expect(watch.opening(accepted).first?.hasPrefix("s1 dns: staged drain: de-prefer") == true)
        let ntpGone = F.service("ntp", desired: .drain, observed: .withdrawn, drain: hard, staged: false)
        #expect(watch.observe(F.status([F.service(desired: .drain, observed: .announced, drain: F.record(.deprefer), depreferred: true), ntpGone], qps: 700, agentNow: 2),
                              at: .seconds(2)) == [
            "s1 dns: de-preferred (\(Self.attributes)), verified at every peer after 2 s",
            "s1 dns: traffic 46% of the 1510 qps before the drain (700 qps now); withdraws under 10%, or in 58s at the latest",
            "s1 ntp: withdrawn from every peer after 2 s",
        ])
        var record = F.record(.withdraw)
        record.stageSince = F.t0.addingTimeInterval(4)
        #expect(watch.observe(F.status([F.service(desired: .drain, observed: .withdrawn, drain: record), ntpGone], qps: 3), at: .seconds(5)) == [
            "s1 dns: moved on to withdraw", "s1 dns: withdrawn from every peer after 5 s", "s1: withdrawn from every peer after 5 s; status DRAINED",
        ])
    }

    @Test func onlyTheNamedServiceIsWaitedFor() {
        let hard = DrainRecord(operator: "alice", reason: "r", since: F.t0, mode: .operator, stage: .withdraw, stageSince: F.t0)
        let accepted = F.status([
            F.service(desired: .announce, observed: .announced, depreferred: false),
            F.service("ntp", desired: .drain, observed: .announced, drain: hard, staged: false),
        ])
        var watch = RouteChangeWatch(kind: .drain, site: "s1", service: "ntp", holdAtDeprefer: false, accepted: accepted, start: .zero, wait: .seconds(10))
        let done = F.status([
            F.service(desired: .announce, observed: .announced, depreferred: false),
            F.service("ntp", desired: .drain, observed: .withdrawn, drain: hard, staged: false),
        ])
        #expect(watch.observe(done, at: .seconds(1)) == ["s1: withdrawn from every peer after 1 s; status PARTIAL"])
    }

    @Test func anUndrainWaitsUntilNoPeerIsSentTheDepreferredRoute() {
        let stillDepreferred = F.status([F.service(desired: .announce, observed: .announced, depreferred: true)])
        var watch = RouteChangeWatch(kind: .undrain, site: "s1", service: nil, holdAtDeprefer: false, accepted: stillDepreferred, start: .zero, wait: .seconds(10))
        #expect(watch.opening(stillDepreferred) == [])
        #expect(watch.observe(stillDepreferred, at: .milliseconds(100)) == [])
        let normal = F.status([F.service(desired: .announce, observed: .announced, depreferred: false)])
        #expect(watch.observe(normal, at: .milliseconds(1600)) == ["s1: announced to every peer after 1.6 s; status ACTIVE"])
        #expect(watch.verdict == .done)
    }

    @Test func anUndrainNotSeenWithinTheWaitSaysWhatItWaitedFor() {
        let stillDepreferred = F.status([F.service(desired: .announce, observed: .announced, depreferred: true)])
        var watch = RouteChangeWatch(kind: .undrain, site: "s1", service: nil, holdAtDeprefer: false, accepted: stillDepreferred, start: .zero, wait: .seconds(2))
        _ = watch.observe(stillDepreferred, at: .milliseconds(2500))
        #expect(watch.verdict == .failed(
            "s1: the agent accepted the undrain, but the routes did not change within 2 s: waited for dns to be announced normally at every peer"))
    }
}
