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
        let drained = status.services.filter { $0.desired == .drain }
        if !drained.isEmpty {
            if drained.contains(where: { $0.observed != .withdrawn }) { return .draining }
            if drained.count == status.services.count {
                return drained.allSatisfy { $0.drain?.mode == .auto } ? .autoWithdrawn : .drained
            }
            return .partial
        }
        if status.services.allSatisfy({ $0.observed == .announced }) { return .active }
        return .partial
    }
}
