import AnycastCore
import AnycastDashboard
import AnycastPoller
import AnycastTUI
import ArgumentParser
import Foundation
import Logging

/// `anycast-dash drain SITE --reason R [--service S] [--yes]`: the runbook's drain.
struct DrainSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Drain a site (withdraw its anycast prefixes), with the same budget as the dashboard.")

    @OptionGroup var change: SiteChangeOptions

    @Option(name: .long, help: "Why (required, 1-500 characters); goes to the agent's audit log.")
    var reason: String

    @Flag(name: .long, help: "Drain even if the disruption budget refuses (logged as an override).")
    var overrideBudget = false

    func run() async throws {
        try await change.perform(.drain, reason: reason, overrideBudget: overrideBudget)
    }
}

/// `anycast-dash undrain SITE [--reason R] [--service S] [--yes]`.
struct UndrainSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undrain",
        abstract: "Undrain a site (announce its anycast prefixes again).")

    @OptionGroup var change: SiteChangeOptions

    @Option(name: .long, help: "Optional note for the agent's audit log.")
    var reason: String = ""

    func run() async throws {
        try await change.perform(.undrain, reason: reason, overrideBudget: false)
    }
}

/// What drain and undrain share: the site, the fleet, confirmation, waiting for the routes.
struct SiteChangeOptions: ParsableArguments {
    @Argument(help: "The site id.")
    var site: String

    @OptionGroup var source: FleetOptions

    @Option(name: .long, help: "Only this service (default: every service of the site).")
    var service: String?

    @Flag(name: .long, help: "Do not ask for confirmation (for scripts).")
    var yes = false

    @Option(name: .long, help: "Operator name (default: the login name).")
    var `operator`: String?

    @Option(name: .long, help: "Seconds to wait for the routing change to be seen (fractions too: 0.5).")
    var wait: Double = 10

    func validate() throws {
        guard wait >= 0.001 && wait <= 3600 else { throw ValidationError("--wait must be from 0.001 to 3600 seconds") }
    }

    func fail(_ message: String, _ code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("anycast-dash: \(message)\n".utf8))
        return ExitCode(code)
    }

    func perform(_ kind: DrainCommand.Kind, reason: String, overrideBudget: Bool) async throws {
        bootstrapLogging(level: .critical)
        let logger = Logger(label: "anycast-dash")
        if kind == .drain {
            do { try DrainRequest(reason: reason, operator: "x").validate() } catch { throw fail(error.description, 2) }
        }
        let opened = try await source.open(logger: logger)
        let client = opened.client
        let code = await run(kind, reason: reason, overrideBudget: overrideBudget, config: opened.config, client: client)
        await opened.close()
        if code != 0 { throw ExitCode(code) }
    }

    private func run(_ kind: DrainCommand.Kind, reason: String, overrideBudget: Bool, config: FleetConfig, client: AgentClient) async -> Int32 {
        guard let target = config.sites.first(where: { $0.id == site }) else {
            FileHandle.standardError.write(Data("anycast-dash: no site '\(site)' in fleet '\(config.name)'\n".utf8))
            return 2
        }
        let poller = FleetPoller(config: config.forPolling(), client: client)
        let fleet = await poller.pollOnce()
        guard let snap = fleet.sites.first(where: { $0.config.id == site }), snap.reachability == .ok else {
            let why = fleet.sites.first { $0.config.id == site }?.lastError ?? "no answer"
            FileHandle.standardError.write(Data("anycast-dash: \(site): agent unreachable: \(why)\n".utf8))
            return 4
        }
        let (verdict, impact) = DrainPlanner.assess(fleet, kind: kind, targets: [site], budget: DrainBudget(config: config))
        emit(ChangePreview.text(kind: kind, site: snap, service: service, verdict: verdict, impact: impact))
        if kind == .drain && !verdict.allowed {
            if !overrideBudget {
                emit("refused by the disruption budget (use --override-budget to drain anyway; it is logged)\n")
                return 3
            }
            emit("BUDGET OVERRIDE requested by \(OperatorName.resolve(`operator`))\n")
        }
        if !yes {
            guard isatty(STDIN_FILENO) == 1 else {
                FileHandle.standardError.write(Data("anycast-dash: not a terminal: pass --yes to confirm in a script\n".utf8))
                return 2
            }
            emit("type \(site) to confirm: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == site else {
                emit("not confirmed; nothing was changed\n")
                return 2
            }
        }
        let command = DrainCommand(kind: kind, siteIDs: [site], service: service, reason: reason,
                                   operatorName: OperatorName.resolve(`operator`), budgetOverride: overrideBudget && !verdict.allowed)
        let started = ContinuousClock.now
        let outcome = await DrainSender.send(command, sites: [target], client: client)
        if let error = outcome.errors[site] {
            emit("\(kind.rawValue) of \(site) failed: \(error)\n")
            return 4
        }
        emit("\(kind.rawValue) of \(site) accepted by the agent\n")
        let deadline = started + .seconds(wait)
        while ContinuousClock.now < deadline {
            let now = await poller.pollOnce(force: true)
            if let s = now.sites.first(where: { $0.config.id == site }),
               kind == .drain ? [.drained, .autoWithdrawn].contains(s.condition) : s.condition == .active {
                let elapsed = NumberFormat.duration(seconds: (ContinuousClock.now - started).inSeconds, decimals: 1)
                emit("\(site): \(kind == .drain ? "withdrawn from every peer" : "announced to every peer") after \(elapsed); status \(s.condition.badge)\n")
                return 0
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        emit("\(site): the agent accepted the \(kind.rawValue), but the routes did not change within \(NumberFormat.duration(seconds: wait))\n")
        return 4
    }
}
