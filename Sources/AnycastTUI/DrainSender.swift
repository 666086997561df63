import AnycastCoordination
import AnycastCore
import AnycastDashboard
import AnycastPoller
import Foundation

/// Sends a drain, an undrain or a lease extension to every site of a command at once and
/// collects the outcome.
public enum DrainSender {
    /// Sends `command` to its sites (looked up in `sites`, which carry the operate tokens).
    /// With `locks`, the sites' locks are taken first (a site another operator holds is refused
    /// with their line) and handed to `keeper` until the change is done. A store that cannot
    /// be reached takes no lock: the agents, which check the budget in the same store, decide.
    public static func send(
        _ command: DrainCommand, sites: [SiteConfig], client: AgentClient, timeout: Duration = .seconds(5),
        locks: SiteLockStore? = nil, keeper: ChangeLocksKeeper? = nil
    ) async -> DrainOutcome {
        var lockID: String?
        if let locks {
            do {
                let taken = try await locks.take(sites: command.siteIDs, holder: command.operatorName, ticket: command.ticket,
                                                 action: command.kind == .drain ? .drain : .undrain, at: Date())
                lockID = taken.id
                if let keeper { await keeper.locks.keep(taken, for: command) } else { await taken.release() }
            } catch .held(let lock) {
                let line = "refused: \(lock.site) is locked by \(lock.line)"
                return DrainOutcome(command: command, errors: Dictionary(uniqueKeysWithValues: command.siteIDs.map { ($0, line) }))
            } catch {
                lockID = nil
            }
        }
        let lock = lockID
        let errors = await eachSite(command.siteIDs, of: sites) { site in
            switch command.kind {
            case .drain:
                _ = try await client.drain(site, DrainRequest(
                    service: command.service, reason: command.reasonForAgent, operator: command.operatorName,
                    lease: command.lease, ticket: command.ticket, stage: command.stage,
                    budgetOverride: command.budgetOverride ? true : nil, lock: lock), timeout: timeout)
            case .undrain:
                _ = try await client.undrain(site, UndrainRequest(service: command.service, reason: command.reason.isEmpty ? nil : command.reasonForAgent, operator: command.operatorName), timeout: timeout)
            }
        }
        return DrainOutcome(command: command, errors: errors)
    }

    /// Sends `request` to its sites; an agent without `POST /v1/extend` is named too old.
    public static func extend(_ request: LeaseExtension, sites: [SiteConfig], client: AgentClient, timeout: Duration = .seconds(5)) async -> LeaseExtensionOutcome {
        let body = ExtendRequest(service: request.service, lease: request.seconds, operator: request.operatorName)
        let errors = await eachSite(request.siteIDs, of: sites) { site in
            do {
                _ = try await client.extend(site, body, timeout: timeout)
            } catch AgentClientError.http(status: 404, _, let message) where message?.hasPrefix("no such endpoint") ?? true {
                throw TooOld()
            }
        }
        return LeaseExtensionOutcome(request: request, errors: errors)
    }

    private struct TooOld: Error, CustomStringConvertible {
        var description: String { "the agent is too old to extend a lease (it has no POST /v1/extend)" }
    }

    /// Runs `call` for every site of `ids` at once; the error of each site that failed, by id.
    private static func eachSite(_ ids: [String], of sites: [SiteConfig], _ call: @escaping @Sendable (SiteConfig) async throws -> Void) async -> [String: String] {
        let byID = Dictionary(uniqueKeysWithValues: sites.map { ($0.id, $0) })
        return await withTaskGroup(of: (String, String?).self) { group in
            for id in ids {
                group.addTask {
                    guard let site = byID[id] else { return (id, "site \(id) is not in the fleet config") }
                    // A plain do/catch on purpose: a typed-throws `do throws(...)` returning from a
                    // task-group child traps in release builds with Swift 6.3.1 (seen in the poller).
                    do {
                        try await call(site)
                        return (id, nil)
                    } catch let error as AgentClientError {
                        return (id, error.description)
                    } catch {
                        return (id, "\(error)")
                    }
                }
            }
            var out: [String: String] = [:]
            for await (id, error) in group { if let error { out[id] = error } }
            return out
        }
    }
}

/// Where the dashboard keeps the locks of its changes in progress.
public struct ChangeLocksKeeper: Sendable {
    let locks = ChangeLocks()
    public init() {}

    /// Releases the locks of changes `fleet` shows done.
    public func settle(with fleet: FleetSnapshot) async { await locks.settle(with: fleet) }
    public func releaseAll() async { await locks.releaseAll() }
}
