/// Why a service is drained: an operator asked, or the health checker withdrew it.
public enum DrainMode: String, Codable, Sendable, CaseIterable {
    /// Drained by a person (or a runbook) through the API.
    case `operator`
    /// Withdrawn automatically because the service's health checks failed.
    case auto
}
