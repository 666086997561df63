@testable import AnycastPoller
import Testing

@Suite struct CyclePhaseTests {
    let second = Duration.seconds(1)

    @Test func agentsThatSpeakJustAfterTheAskMoveTheCycleToJustAfterThem() {
        let late: [Duration] = [.milliseconds(14), .milliseconds(15), .milliseconds(17)]
        #expect(CyclePhase.delay(late: late, streamed: 4, interval: second) == .milliseconds(27))
    }

    @Test func aFewLateLinesInAFleetKeepThePhase() {
        // Agents that speak at scattered times are read in one pass wherever the cycle sits;
        // the few that came after an ask come before the next one.
        let late = Array(repeating: Duration.milliseconds(5), count: 24)
        #expect(CyclePhase.delay(late: late, streamed: 100, interval: second) == nil)
        #expect(CyclePhase.delay(late: late + [.milliseconds(6)], streamed: 100, interval: second) == .milliseconds(16))
    }

    @Test func linesLongAfterTheAskKeepThePhase() {
        let late: [Duration] = [.milliseconds(400), .milliseconds(600), .milliseconds(700)]
        #expect(CyclePhase.delay(late: late, streamed: 3, interval: second) == nil, "past a quarter of the interval")
        #expect(CyclePhase.delay(late: late + [.milliseconds(20), .milliseconds(30)], streamed: 10, interval: second) == nil,
                "only two of ten just after the ask")
        #expect(CyclePhase.delay(late: late + [.milliseconds(20), .milliseconds(30)], streamed: 8, interval: second) == .milliseconds(40),
                "two of eight, a quarter: the later of them and the margin")
    }

    @Test func oneStreamAloneKeepsThePhase() {
        #expect(CyclePhase.delay(late: [.milliseconds(10)], streamed: 1, interval: second) == nil)
        #expect(CyclePhase.delay(late: [], streamed: 0, interval: second) == nil)
    }
}
