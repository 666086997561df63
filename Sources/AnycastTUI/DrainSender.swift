import AnycastCore
import AnycastDashboard
import AnycastPoller

/// Sends a drain or undrain to every site of a command at once and collects the outcome.
public enum DrainSender {
    /// Sends `command` to its sites (looked up in `sites`, which carry the operate tokens).
    public static func send(_ command: DrainCommand, sites: [SiteConfig], client: AgentClient, timeout: Duration = .seconds(5)) async -> DrainOutcome {
        let byID = Dictionary(uniqueKeysWithValues: sites.map { ($0.id, $0) })
        let errors = await withTaskGroup(of: (String, String?).self) { group in
            for id in command.siteIDs {
                group.addTask {
                    guard let site = byID[id] else { return (id, "site \(id) is not in the fleet config") }
                    // A plain do/catch on purpose: a typed-throws `do throws(...)` returning from a
                    // task-group child traps in release builds with Swift 6.3.1 (seen in the poller).
                    do {
                        switch command.kind {
                        case .drain:
                            _ = try await client.drain(site, DrainRequest(service: command.service, reason: command.reasonForAgent, operator: command.operatorName), timeout: timeout)
                        case .undrain:
                            _ = try await client.undrain(site, UndrainRequest(service: command.service, reason: command.reason.isEmpty ? nil : command.reasonForAgent, operator: command.operatorName), timeout: timeout)
                        }
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
        return DrainOutcome(command: command, errors: errors)
    }
}
