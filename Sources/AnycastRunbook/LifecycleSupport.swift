import AnycastCore

/// Whether a site's agent keeps drain leases, staged drains and tickets (`drain_lifecycle` in
/// its status), checked before anything is sent: an older agent would take the drain and drop
/// the lease, so the site would stay drained with nobody to end it.
public enum LifecycleSupport {
    /// Why the command must stop at `site` without changing anything, or nil when the agent
    /// supports what `asked` names (option names like `--for`, or a command like `extend`).
    public static func refusal(site: String, agent: AgentInfo, asked: [String]) -> String? {
        guard !asked.isEmpty, agent.drainLifecycle != true else { return nil }
        let what = asked.count == 1 ? asked[0] : asked.dropLast().joined(separator: ", ") + " and " + asked[asked.count - 1]
        return "\(site): the agent (version \(agent.version)) does not support \(what): drain leases, staged drains, "
            + "tickets and extend need a newer anycast-agent; nothing was changed"
    }
}
