import AnycastCore
import AnycastDashboard
import AnycastRunbook
import ArgumentParser
import Testing

/// `--for`, `--ticket`, `--stage` and `--now` as the drain command parses them: what they send,
/// and the mistakes that stop it before anything is sent (the command exits 2 with the message).
@Suite struct DrainLifecycleOptionsTests {
    /// The message of the usage error `arguments` cause, or nil when they parse.
    func usageError(_ arguments: [String]) -> String? {
        do {
            _ = try DrainLifecycleOptions.parse(arguments)
            return nil
        } catch {
            #expect(DrainLifecycleOptions.exitCode(for: error) == .validationFailure, "\(arguments): a usage error")
            return DrainLifecycleOptions.message(for: error)
        }
    }

    @Test func leasesAreGivenInSecondsMinutesHoursOrDays() throws {
        let cases: [(String, Int)] = [("45s", 45), ("90m", 5400), ("2h", 7200), ("1d", 86_400), ("1.5h", 5400), (" 2H ", 7200), ("366d", 366 * 86_400), ("1h30m", 5400)]
        for (text, seconds) in cases {
            #expect(try LeaseDuration.seconds(text) == seconds, "\(text)")
            #expect(try DrainLifecycleOptions.parse(["--for", text]).leaseSeconds == seconds, "\(text)")
        }
    }

    @Test func aBadLeaseIsAUsageErrorThatSaysHowToWriteOne() {
        let cases: [(String, String)] = [
            ("soon", "'soon' is not a duration: give a number and a unit: 45s, 90m, 2h or 1d"),
            ("2", "'2' is not a duration"),
            ("h", "'h' is not a duration"),
            ("-5m", "'-5m' is not a duration"),
            ("1e3s", "'1e3s' is not a duration"),
            ("0s", "'0s' is shorter than the shortest lease, 1s"),
            ("500ms", "'500ms' is not a duration"),
            ("1.5s", "'1.5s' is not a whole number of seconds"),
            ("367d", "'367d' is longer than the longest lease, 366d"),
        ]
        for (text, message) in cases {
            let error = usageError(["--for=\(text)"])  // `=`: "-5m" is a value, not an option
            #expect(error?.hasPrefix("--for: " + message) == true, "\(text): \(error ?? "parsed")")
        }
    }

    @Test func stageAndNowTogetherAreAUsageError() {
        #expect(usageError(["--stage", "deprefer", "--now"]) == "give either --stage or --now, not both")
        #expect(usageError(["--stage", "withdraw", "--now"]) == "give either --stage or --now, not both")
        #expect(usageError(["--stage", "later"])?.contains("'later'") == true)
    }

    @Test func aTicketTheAgentWouldRefuseIsAUsageError() {
        #expect(usageError(["--ticket", String(repeating: "C", count: 101)]) == "--ticket: ticket is longer than 100 characters")
        #expect(usageError(["--ticket", "  "]) == "--ticket: ticket must not be blank (leave it out instead)")
        #expect(usageError(["--ticket", "CHG\u{7}1"]) == "--ticket: ticket contains control characters")
        #expect(usageError(["--ticket", String(repeating: "C", count: 100)]) == nil)
    }

    @Test func theRequestCarriesTheLeaseTicketAndStage() throws {
        let staged = try DrainLifecycleOptions.parse(["--for", "30s", "--ticket", "CHG-1"]).request(service: "dns", reason: "r", operator: "alice")
        #expect(staged == DrainRequest(service: "dns", reason: "r", operator: "alice", lease: 30, ticket: "CHG-1", stage: nil))
        #expect(try DrainLifecycleOptions.parse(["--stage", "deprefer"]).requestedStage == .deprefer)
        #expect(try DrainLifecycleOptions.parse(["--stage", "withdraw"]).requestedStage == .withdraw)
        #expect(try DrainLifecycleOptions.parse(["--now"]).requestedStage == .withdraw)
        #expect(try DrainLifecycleOptions.parse([]).request(service: nil, reason: "r", operator: "a") == DrainRequest(reason: "r", operator: "a"))
    }

    @Test func onlyWhatAnOlderAgentCannotDoNeedsTheLifecycle() throws {
        #expect(try DrainLifecycleOptions.parse(["--for", "2h", "--ticket", "CHG-1", "--stage", "deprefer"]).needingLifecycle == ["--for", "--ticket", "--stage"])
        // An older agent withdraws at once whatever it is sent: --now asks for nothing more.
        #expect(try DrainLifecycleOptions.parse(["--now"]).needingLifecycle == [])
        #expect(try DrainLifecycleOptions.parse([]).needingLifecycle == [])
    }

    @Test func leaseTimesLeftReadAsPeopleSayThem() {
        let cases: [(Double, String)] = [
            (0, "0s"), (44.6, "45s"), (60, "1m"), (90, "1m30s"), (3600, "1h"), (4980, "1h23m"), (86_400, "1d"), (97_200, "1d3h"), (-5, "0s"),
        ]
        for (seconds, text) in cases { #expect(NumberFormat.span(seconds, roundUp: true) == text, "\(seconds)") }
    }
}
