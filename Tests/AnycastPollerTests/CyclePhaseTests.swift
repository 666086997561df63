@testable import AnycastPoller
import Testing

@Suite struct CyclePhaseTests {
    let second = Duration.seconds(1)

    @Test func agentsThatSpeakJustAfterTheAskMoveTheCycleToJustAfterThem() {
        let late: [Duration] = [.milliseconds(14), .milliseconds(15), .milliseconds(17)]
        #expect(CyclePhase.delay(late: late, streamed: 4, interval: second) == .milliseconds(27))
    }

    @Test func aFewLateLinesInALargeFleetKeepThePhase() {
        // Agents that speak at scattered times have a line waiting at every take wherever the
        // cycle sits; the odd one whose line comes just after an ask (its agent's jitter) is
        // read before the next take.
        let late = Array(repeating: Duration.milliseconds(5), count: 19)
        #expect(CyclePhase.delay(late: late, streamed: 1000, interval: second) == nil)
        #expect(CyclePhase.delay(late: late + [.milliseconds(6)], streamed: 1000, interval: second) == .milliseconds(16),
                "one in fifty: the latest of them and the margin")
    }

    @Test func linesLongAfterTheAskKeepThePhase() {
        let late: [Duration] = [.milliseconds(400), .milliseconds(600), .milliseconds(700)]
        #expect(CyclePhase.delay(late: late, streamed: 3, interval: second) == nil, "past a quarter of the interval")
        #expect(CyclePhase.delay(late: late + [.milliseconds(20)], streamed: 10, interval: second) == nil,
                "only one just after the ask")
        #expect(CyclePhase.delay(late: late + [.milliseconds(20), .milliseconds(30)], streamed: 10, interval: second) == .milliseconds(40),
                "two just after the ask: the later of them and the margin")
    }

    @Test func oneStreamAloneKeepsThePhase() {
        #expect(CyclePhase.delay(late: [.milliseconds(10)], streamed: 1, interval: second) == nil)
        #expect(CyclePhase.delay(late: [], streamed: 0, interval: second) == nil)
    }
}
