/// One word for a site's state, as the dashboard's status badge shows it.
public enum SiteCondition: String, Codable, Sendable, CaseIterable {
    case pending
    case active
    case draining
    case drained
    case autoWithdrawn = "auto-withdrawn"
    case partial
    case unreachable
    case stale

    /// The badge text: `ACTIVE`, `AUTO-WITHDRAWN`, ...
    public var badge: String { rawValue.uppercased() }

    /// The condition of a site from what its agent last said and how reachable it is.
    ///
    /// Reachability comes first: a site whose agent does not answer is UNREACHABLE or STALE,
    /// never "withdrawn", because the dashboard cannot know what it announces.
    public static func of(status: SiteStatus?, reachability: SiteReachability) -> SiteCondition {
        switch reachability {
        case .unreachable: return .unreachable
        case .stale: return .stale
        case .pending where status == nil: return .pending
        default: break
        }
        guard let status, !status.services.isEmpty else { return .pending }
        // Counted in one pass without allocating: this runs for every site on every frame.
        var drained = 0, drainedWithdrawn = 0, drainedAuto = 0, announced = 0
        for s in status.services {
            if s.desired == .drain {
                drained += 1
                if s.observed == .withdrawn { drainedWithdrawn += 1 }
                if s.drain?.mode == .auto { drainedAuto += 1 }
            } else if s.observed == .announced {
                announced += 1
            }
        }
        let total = status.services.count
        if drained > 0 {
            if drainedWithdrawn < drained { return .draining }
            if drained == total { return drainedAuto == drained ? .autoWithdrawn : .drained }
            return .partial
        }
        return announced == total ? .active : .partial
    }
}
