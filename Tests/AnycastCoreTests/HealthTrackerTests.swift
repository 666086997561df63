import AnycastCore
import Foundation
import Testing

@Suite struct HealthTrackerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func risesAndFallsOnlyAfterEnoughChecksInARow() {
        var h = HealthTracker(name: "dns-probe", rise: 3, fall: 2)
        #expect(h.state == .unknown)
        #expect(h.record(ok: true, detail: "ok", at: t0) == nil)
        #expect(h.record(ok: true, detail: "ok", at: t0) == nil)
        #expect(h.record(ok: true, detail: "ok", at: t0.addingTimeInterval(2)) == .up)
        #expect(h.since == t0.addingTimeInterval(2))
        #expect(h.record(ok: false, detail: "timeout", at: t0) == nil, "one failure is not enough")
        #expect(h.record(ok: true, detail: "ok", at: t0) == nil, "a success resets the failure count")
        #expect(h.record(ok: false, detail: "timeout", at: t0) == nil)
        #expect(h.record(ok: false, detail: "refused", at: t0.addingTimeInterval(9)) == .down)
        #expect(h.status == HealthCheckStatus(name: "dns-probe", state: .down, detail: "refused", since: t0.addingTimeInterval(9)))
        #expect(h.record(ok: false, detail: "refused", at: t0) == nil, "staying down is not a change")
    }

    @Test func flappingNeverChangesTheState() {
        var h = HealthTracker(name: "x", rise: 2, fall: 2)
        for i in 0..<20 { #expect(h.record(ok: i % 2 == 0, detail: "", at: t0) == nil) }
        #expect(h.state == .unknown)
    }

    @Test func countsBelowOneAreOne() {
        var h = HealthTracker(name: "x", rise: 0, fall: -3)
        #expect(h.record(ok: false, detail: "", at: t0) == .down)
        #expect(h.record(ok: true, detail: "", at: t0) == .up)
    }
}
