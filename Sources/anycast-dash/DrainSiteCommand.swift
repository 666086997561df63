import AnycastRunbook
import ArgumentParser

/// `anycast-dash drain SITE --reason R [--for D] [--ticket T] [--stage deprefer | --now]`: the
/// runbook's drain.
struct DrainSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Drain a site (withdraw its anycast prefixes), with the same budget as the dashboard.",
        discussion: """
            A service with a de-prefer step drains in stages: its route is first announced less \
            preferred, then withdrawn once its traffic has left (or its stage_timeout passed). \
            The command prints each step and returns once the withdrawal is verified (with \
            --stage deprefer: once the de-prefer is), waiting up to --wait for each routing \
            change and the service's stage_timeout for the traffic.
            """)

    @OptionGroup var change: SiteChangeOptions

    @Option(name: .long, help: "Why (required, 1-500 characters); goes to the agent's audit log.")
    var reason: String

    @OptionGroup var lifecycle: DrainLifecycleOptions

    @Flag(name: .long, help: "Drain even if the disruption budget refuses (logged as an override).")
    var overrideBudget = false

    func run() async throws {
        try await change.perform(.drain, reason: reason, overrideBudget: overrideBudget, lifecycle: lifecycle)
    }
}

/// `anycast-dash undrain SITE [--reason R] [--service S] [--yes]`.
struct UndrainSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undrain",
        abstract: "Undrain a site (announce its anycast prefixes again, without de-preferring them).")

    @OptionGroup var change: SiteChangeOptions

    @Option(name: .long, help: "Optional note for the agent's audit log.")
    var reason: String = ""

    func run() async throws {
        try await change.perform(.undrain, reason: reason, overrideBudget: false, lifecycle: nil)
    }
}
