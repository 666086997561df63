import AnycastCoordination
import AnycastCore
import AnycastDashboard
import AnycastPoller
import AnycastRunbook
import ArgumentParser
import Foundation
import Logging

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

    @Option(name: .long, help: "Seconds to wait for each routing change to be seen (fractions too: 0.5).")
    var wait: Double = 10

    /// How often the agent is asked while the command waits.
    static let pollInterval: Duration = .milliseconds(250)
    /// The time allowed for each request to the agent.
    static let requestTimeout: Duration = .seconds(5)

    func validate() throws {
        guard wait >= 0.001 && wait <= 3600 else { throw ValidationError("--wait must be from 0.001 to 3600 seconds") }
    }

    /// Previews, confirms, sends and follows the change: a drain (with `lifecycle`, its
    /// lease, ticket and stage) or an undrain (`lifecycle` nil).
    func perform(_ kind: DrainCommand.Kind, reason: String, overrideBudget: Bool, lifecycle: DrainLifecycleOptions?) async throws {
        bootstrapLogging(level: .critical)
        let logger = Logger(label: "anycast-dash")
        if kind == .drain {
            do { try DrainRequest(reason: reason, operator: "x").validate() } catch { throw fail(error.description, 2) }
        }
        let opened = try await source.open(logger: logger)
        let code = await run(kind, reason: reason, overrideBudget: overrideBudget, lifecycle: lifecycle, config: opened.config, client: opened.client,
                             locks: opened.locks)
        await opened.close()
        if code != 0 { throw ExitCode(code) }
    }

    private func run(
        _ kind: DrainCommand.Kind, reason: String, overrideBudget: Bool, lifecycle: DrainLifecycleOptions?, config: FleetConfig, client: AgentClient,
        locks: SiteLockStore?
    ) async -> Int32 {
        guard let target = config.sites.first(where: { $0.id == site }) else {
            complain("no site '\(site)' in fleet '\(config.name)'")
            return 2
        }
        let poller = FleetPoller(config: config.forPolling(), client: client)
        let fleet = await poller.pollOnce()
        guard let snap = fleet.sites.first(where: { $0.config.id == site }), snap.reachability == .ok, let status = snap.status else {
            let why = fleet.sites.first { $0.config.id == site }?.lastError ?? "no answer"
            complain("\(site): agent unreachable: \(why)")
            return 4
        }
        if let lifecycle, let refusal = LifecycleSupport.refusal(site: site, agent: status.agent, asked: lifecycle.needingLifecycle) {
            complain(refusal)
            return 4
        }
        let operatorName = OperatorName.resolve(`operator`)
        let (verdict, impact) = DrainPlanner.assess(fleet, kind: kind, targets: [site], budget: DrainBudget(config: config))
        var preview = ChangePreview.text(kind: kind, site: snap, service: service, verdict: verdict, impact: impact)
        if let lifecycle {
            for line in DrainPlanText.lines(lifecycle.request(service: service, reason: reason, operator: operatorName), status: status) {
                preview += line + "\n"
            }
        }
        emit(preview)
        if kind == .drain && !verdict.allowed {
            if !overrideBudget {
                emit("refused by the disruption budget (use --override-budget to drain anyway; it is logged)\n")
                return 3
            }
            emit("BUDGET OVERRIDE requested by \(operatorName)\n")
        }
        // The site's lock is taken before the confirmation, so the preview being confirmed
        // is of a site nobody else is changing, and held until the change is verified; it
        // ends with its lease if this process dies.
        var held: HeldSiteLocks?
        if let locks {
            do {
                held = try await locks.take(sites: [site], holder: operatorName, ticket: lifecycle?.ticket,
                                            action: kind == .drain ? .drain : .undrain, at: Date())
            } catch .held(let lock) {
                emit("\(kind.rawValue) of \(site) refused: \(site) is locked by \(lock.line)\n")
                return 3
            } catch {
                emit("note: \(error); the agent decides alone\n")
            }
        }
        if !yes {
            guard isatty(STDIN_FILENO) == 1 else {
                await held?.release()
                complain("not a terminal: pass --yes to confirm in a script")
                return 2
            }
            emit("type \(site) to confirm: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == site else {
                await held?.release()
                emit("not confirmed; nothing was changed\n")
                return 2
            }
        }
        let code = await sendAndFollow(kind, reason: reason, overrideBudget: overrideBudget, lifecycle: lifecycle, target: target,
                                       client: client, operatorName: operatorName, lock: held?.id,
                                       localOverride: overrideBudget && !verdict.allowed)
        await held?.release()
        return code
    }

    /// Sends the change and follows it until its routes are seen changed (or not).
    private func sendAndFollow(
        _ kind: DrainCommand.Kind, reason: String, overrideBudget: Bool, lifecycle: DrainLifecycleOptions?, target: SiteConfig,
        client: AgentClient, operatorName: String, lock: String?, localOverride: Bool
    ) async -> Int32 {
        let command = DrainCommand(kind: kind, siteIDs: [site], service: service, reason: reason,
                                   operatorName: operatorName, budgetOverride: localOverride)
        // The events from here on say why a staged drain moved on; an agent that does not
        // answer them only makes those lines plainer.
        var eventsSeen = kind == .drain ? (try? await client.events(of: target, since: UInt64.max, timeout: Self.requestTimeout))?.last : nil
        let started = ContinuousClock.now
        let accepted: SiteStatus
        do {
            if let lifecycle {
                var request = lifecycle.request(service: service, reason: command.reasonForAgent, operator: operatorName)
                // An agent with coordination judges the fleet's budget again, in the store:
                // the operator's override goes with the request.
                if overrideBudget { request.budgetOverride = true }
                request.lock = lock
                accepted = try await client.drain(target, request, timeout: Self.requestTimeout)
            } else {
                accepted = try await client.undrain(target, UndrainRequest(service: service, reason: reason.isEmpty ? nil : reason, operator: operatorName),
                                                    timeout: Self.requestTimeout)
            }
        } catch AgentClientError.http(_, let code?, let message) where code == APIErrorCode.budgetRefused.rawValue
                    || code == APIErrorCode.coordinationUnavailable.rawValue || code == APIErrorCode.siteLocked.rawValue {
            emit("\(kind.rawValue) of \(site) refused by the agent: \(message ?? code)\n")
            return 3
        } catch {
            emit("\(kind.rawValue) of \(site) failed: \(error)\n")
            return 4
        }
        emit("\(kind.rawValue) of \(site) accepted by the agent\n")
        var watch = RouteChangeWatch(kind: kind == .drain ? .drain : .undrain, site: site, service: service,
                                     holdAtDeprefer: lifecycle?.requestedStage == .deprefer, accepted: accepted, start: .zero, wait: .seconds(wait))
        emitLines(watch.opening(accepted))
        emitLines(watch.observe(accepted, at: started.duration(to: .now)))
        while watch.verdict == .waiting {
            try? await Task.sleep(for: Self.pollInterval)
            do {
                let status = try await client.status(of: target, historyAfter: Date(), timeout: Self.requestTimeout)
                var events: [AgentEvent] = []
                if let seen = eventsSeen, let page = try? await client.events(of: target, since: seen, timeout: Self.requestTimeout) {
                    events = page.events
                    eventsSeen = page.last
                }
                emitLines(watch.observe(status, events: events, at: started.duration(to: .now)))
            } catch {
                watch.noAnswer(at: started.duration(to: .now), error: error.description)
            }
        }
        if case .failed(let why) = watch.verdict {
            emit(why + "\n")
            return 4
        }
        return 0
    }

    private func emitLines(_ lines: [String]) {
        for line in lines { emit(line + "\n") }
    }
}

/// Tells the operator on standard error, prefixed with the program's name.
func complain(_ message: String) {
    FileHandle.standardError.write(Data("anycast-dash: \(message)\n".utf8))
}

/// `message` on standard error, and the exit status `code` to throw.
func fail(_ message: String, _ code: Int32) -> ExitCode {
    complain(message)
    return ExitCode(code)
}
