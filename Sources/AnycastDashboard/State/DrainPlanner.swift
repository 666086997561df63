import AnycastCore

/// The budget check and impact preview of a drain, shared by the dialog and the command line.
public enum DrainPlanner {
    /// The verdict and the expected traffic moves of `kind` on `targets` (undrains always pass).
    /// A target whose agent does not answer counts with its last known rate (`lastKnownRate`):
    /// its clients are most likely still there. Other sites count with what is known now, as
    /// the header's total does.
    /// `unchecked`: why the budget cannot be checked in the coordination store (see
    /// `uncheckable`); a drain then needs the override.
    public static func assess(_ fleet: FleetSnapshot, kind: DrainCommand.Kind, targets: [String], budget: DrainBudget,
                              unchecked: String? = nil) -> (BudgetVerdict, DrainImpact) {
        let set = Set(targets)
        let impactSites = fleet.sites.map {
            DrainImpact.Site(id: $0.config.id, region: $0.config.region, qps: $0.qps ?? (set.contains($0.config.id) ? lastKnownRate($0)?.qps : nil) ?? 0,
                             capacityQPS: $0.config.capacityQPS, isActive: BudgetSite($0).isActive)
        }
        guard kind == .drain else { return (BudgetVerdict(lines: []), DrainImpact.estimate(impactSites, draining: [])) }
        var verdict = budget.check(fleet.sites.map(BudgetSite.init), draining: set)
        verdict.unchecked = unchecked
        return (verdict, DrainImpact.estimate(impactSites, draining: set))
    }

    /// Why the fleet's budget cannot be checked where the agents keep it, for a drain of
    /// `targets`: the dashboard's own read of the store found no quorum, or a target's agent
    /// says it has lost the store (or finds no budget there). Nil without coordination.
    public static func uncheckable(_ fleet: FleetSnapshot, targets: [String], store: FleetCoordination?) -> String? {
        if let store, !store.hasQuorum {
            return "the fleet's budget cannot be checked: etcd has no quorum (\(store.membersUp) of \(store.members.count) members answer)"
        }
        let lost = fleet.sites.filter { site in
            targets.contains(site.config.id) && site.reachability == .ok && (site.status?.coordination.map { $0.state != .ok } ?? false)
        }
        guard !lost.isEmpty else { return nil }
        let which = lost.map { "\($0.config.id) (\($0.status!.coordination!.state.rawValue))" }.joined(separator: ", ")
        return "the fleet's budget cannot be checked: the agent of \(which) cannot use etcd"
    }

    /// The newest rate known of a site whose current rate is not (its agent stopped
    /// answering), with when it was measured.
    public static func lastKnownRate(_ site: SiteSnapshot) -> RatePoint? {
        site.qps == nil ? site.history.latest : nil
    }
}
