/// One word for a site's state, as the dashboard's status badge shows it.
public enum SiteCondition: String, Codable, Sendable, CaseIterable {
    case pending
    case active
    /// Every service is wanted announced, but what the routing daemon sends is not known
    /// yet (no Established peer to look at, or the daemon not answering).
    case unknown
    /// Wanted announced, not announced yet: an undrain on its way to the routes.
    case announcing
    case draining
    case drained
    case autoWithdrawn = "auto-withdrawn"
    /// Some services or some peers announced, some not, and not because of a change under way.
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
        of(services: status?.services, reachability: reachability)
    }

    /// The same from the services alone (`nil` before the first status): what it reads, taken
    /// without copying the rest of the status.
    public static func of(services: [ServiceStatus]?, reachability: SiteReachability) -> SiteCondition {
        switch reachability {
        case .unreachable: return .unreachable
        case .stale: return .stale
        case .pending where services == nil: return .pending
        default: break
        }
        guard let services, !services.isEmpty else { return .pending }
        // Counted in one pass without allocating, by position (not copying each service):
        // this runs for every site on every cycle.
        var drained = 0, drainedWithdrawn = 0, drainedAuto = 0, announced = 0, unknown = 0, notYet = 0
        for k in services.indices {
            if services[k].desired == .drain {
                drained += 1
                if services[k].observed == .withdrawn { drainedWithdrawn += 1 }
                if services[k].drain?.mode == .auto { drainedAuto += 1 }
            } else {
                switch services[k].observed {
                case .announced: announced += 1
                case .unknown: unknown += 1
                case .withdrawn: notYet += 1
                case .partial: break
                }
            }
        }
        let total = services.count
        if drained > 0 {
            if drainedWithdrawn < drained { return .draining }
            if drained == total { return drainedAuto == drained ? .autoWithdrawn : .drained }
            return .partial
        }
        if announced == total { return .active }
        // Not knowing is not the same as partly announced: a script alerting on `partial`
        // must not be paged for a site whose routes are simply not known yet.
        if notYet == 0, announced + unknown == total { return .unknown }
        if announced + unknown + notYet == total { return .announcing }
        return .partial
    }
}
