import AnycastCore
import AnycastPoller
import AnycastRunbook
import ArgumentParser
import Foundation
import Logging

/// `anycast-dash extend SITE --for 1h [--service S]`: the lease of a site's drain ends later.
struct ExtendSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend",
        abstract: "Extend the lease of a site's drain: the agent undrains it that much later.",
        discussion: """
            The time is added to the lease's end; a drain without a lease gets one ending that \
            long from now. Only the drain's record changes, never the routes, so nothing asks \
            for confirmation.
            """)

    @Argument(help: "The site id.")
    var site: String

    @OptionGroup var source: FleetOptions

    @Option(name: .customLong("for"), help: ArgumentHelp("How much longer the drain lasts (45s, 90m, 2h, 1d).", valueName: "duration"))
    var lease: String

    @Option(name: .long, help: "Only this service's drain (default: every drained service of the site).")
    var service: String?

    @Option(name: .long, help: "Operator name (default: the login name).")
    var `operator`: String?

    @Option(name: .long, help: "Optional note for the agent's audit log.")
    var reason: String?

    func validate() throws {
        do { _ = try LeaseDuration.seconds(lease) } catch { throw ValidationError("--for: \(error.description)") }
        if let reason {
            do { try ExtendRequest(lease: 1, operator: "-", reason: reason).validate() } catch { throw ValidationError("--reason: \(error.description)") }
        }
    }

    func run() async throws {
        bootstrapLogging(level: .critical)
        let opened = try await source.open(logger: Logger(label: "anycast-dash"))
        let code = await extend(config: opened.config, client: opened.client)
        await opened.close()
        if code != 0 { throw ExitCode(code) }
    }

    private func extend(config: FleetConfig, client: AgentClient) async -> Int32 {
        guard let target = config.sites.first(where: { $0.id == site }) else {
            complain("no site '\(site)' in fleet '\(config.name)'")
            return 2
        }
        let timeout = SiteChangeOptions.requestTimeout
        let status: SiteStatus
        do { status = try await client.status(of: target, historyAfter: Date(), timeout: timeout) } catch {
            complain("\(site): agent unreachable: \(error)")
            return 4
        }
        if let refusal = LifecycleSupport.refusal(site: site, agent: status.agent, asked: ["extend"]) {
            complain(refusal)
            return 4
        }
        let seconds = (try? LeaseDuration.seconds(lease)) ?? 0
        let request = ExtendRequest(service: service, lease: seconds, operator: OperatorName.resolve(`operator`), reason: reason)
        let answer: SiteStatus
        do { answer = try await client.extend(target, request, timeout: timeout) } catch {
            if case .http(409, _, let message) = error {
                complain("\(site): \(message ?? "nothing to extend: no drain by an operator")")
            } else {
                complain("extend of \(site) failed: \(error)")
            }
            return 4
        }
        let leases = answer.services.filter { service == nil || $0.name == service }.compactMap { s in
            s.drain?.leaseUntil.map { (s.name, $0) }
        }
        for (name, until) in leases {
            let who = leases.count > 1 ? "\(site) \(name)" : site
            emit("\(who): \(RunbookText.leaseEnd(until, agentNow: answer.agent.now)): the agent undrains it by itself then\n")
        }
        if leases.isEmpty { emit("\(site): extended\n") }
        return 0
    }
}
