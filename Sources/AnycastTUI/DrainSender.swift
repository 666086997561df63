import AnycastCoordination
import AnycastCore
import AnycastDashboard
import AnycastPoller
import Foundation

/// Sends a drain, an undrain or a lease extension to every site of a command at once and
/// collects the outcome.
public enum DrainSender {
    /// Sends `command` to its sites (looked up in `sites`, which carry the operate tokens).
    /// With `locks`, the sites' locks are taken first: a site another operator holds is
    /// refused with their line.
    public static func send(
        _ command: DrainCommand, sites: [SiteConfig], client: AgentClient, timeout: Duration = .seconds(5), locks: ChangeLocks? = nil
    ) async -> DrainOutcome {
        var lockID: String?
        if let locks {
            do throws(SiteLockStore.Refusal) {
                lockID = try await locks.take(for: command)
            } catch {
                let line = "refused: \(error)"
                return DrainOutcome(command: command, errors: Dictionary(uniqueKeysWithValues: command.siteIDs.map { ($0, line) }))
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
