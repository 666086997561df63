/// How well the dashboard can reach a site's agent.
public enum SiteReachability: String, Codable, Sendable, CaseIterable {
    /// Not polled successfully yet.
    case pending
    /// The last poll succeeded.
    case ok
    /// Recent polls failed, but fewer than the unreachable threshold: the data shown is old.
    case stale
    /// Several polls in a row failed: the agent is down or cut off (the site may still serve).
    case unreachable
}
