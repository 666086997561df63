@testable import AnycastTUI
import AnycastCore
import AnycastDashboard
import Testing

/// When a dashboard lets go of a change's lock: once its sites show the change done, or show
/// that it will not be (held, refused), and not before.
@Suite struct ChangeLocksTests {
    static func command(_ kind: DrainCommand.Kind, service: String? = nil) -> DrainCommand {
        DrainCommand(kind: kind, siteIDs: ["s1"], service: service, reason: "r", operatorName: "alice", budgetOverride: false)
    }

    static func dns(_ desired: DesiredState, _ observed: ObservedState, drain: DrainRecord? = nil, depreferred: Bool? = nil,
                    held: HeldWithdrawal? = nil, name: String = "dns") -> ServiceStatus {
        var s = ServiceStatus(name: name, prefixes: ["203.0.113.0/24"], desired: desired, observed: observed, drain: drain, peers: [])
        s.depreferred = depreferred
        s.withdrawHeld = held
        return s
    }

    static let record = DrainRecord(operator: "alice", reason: "r", since: .distantPast, mode: .operator)

    @Test func aDrainIsDoneWhenWithdrawnHeldAtDepreferOrHeldBackNotWhileOnItsWay() {
        let drain = Self.command(.drain)
        #expect(ChangeLocks.settled(drain, [Self.dns(.announce, .announced)]), "the agent refused it: nothing is on its way")
        #expect(!ChangeLocks.settled(drain, [Self.dns(.drain, .announced, drain: Self.record)]), "on its way")
        #expect(!ChangeLocks.settled(drain, [Self.dns(.drain, .partial, drain: Self.record)]))
        #expect(ChangeLocks.settled(drain, [Self.dns(.drain, .withdrawn, drain: Self.record)]))
        var atDeprefer = Self.record
        atDeprefer.hold = true
        #expect(ChangeLocks.settled(drain, [Self.dns(.drain, .announced, drain: atDeprefer, depreferred: true)]), "held at de-prefer")
        #expect(!ChangeLocks.settled(drain, [Self.dns(.drain, .announced, drain: atDeprefer, depreferred: false)]), "not yet de-preferred")
        let held = HeldWithdrawal(requester: "alice", reason: "budget", since: .distantPast)
        #expect(ChangeLocks.settled(drain, [Self.dns(.drain, .announced, drain: Self.record, held: held)]), "held back by the budget")
    }

    @Test func anUndrainIsDoneWhenAnnouncedAndOnlyTheNamedServiceCounts() {
        let undrain = Self.command(.undrain)
        #expect(!ChangeLocks.settled(undrain, [Self.dns(.announce, .withdrawn)]))
        #expect(ChangeLocks.settled(undrain, [Self.dns(.announce, .announced)]))
        let one = Self.command(.undrain, service: "dns")
        #expect(ChangeLocks.settled(one, [Self.dns(.announce, .announced), Self.dns(.drain, .withdrawn, drain: Self.record, name: "web")]))
        #expect(!ChangeLocks.settled(undrain, [Self.dns(.announce, .announced), Self.dns(.drain, .withdrawn, drain: Self.record, name: "web")]))
    }
}
