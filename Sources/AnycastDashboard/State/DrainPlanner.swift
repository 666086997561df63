import AnycastCore

/// The budget check and impact preview of a drain, shared by the dialog and the command line.
public enum DrainPlanner {
    /// The verdict and the expected traffic moves of `kind` on `targets` (undrains always pass).
    /// A target whose agent does not answer counts with its last known rate (`lastKnownRate`):
    /// its clients are most likely still there. Other sites count with what is known now, as
    /// the header's total does.
    public static func assess(_ fleet: FleetSnapshot, kind: DrainCommand.Kind, targets: [String], budget: DrainBudget) -> (BudgetVerdict, DrainImpact) {
        let set = Set(targets)
        let impactSites = fleet.sites.map {
            DrainImpact.Site(id: $0.config.id, region: $0.config.region, qps: $0.qps ?? (set.contains($0.config.id) ? lastKnownRate($0)?.qps : nil) ?? 0,
                             capacityQPS: $0.config.capacityQPS, isActive: BudgetSite($0).isActive)
        }
        guard kind == .drain else { return (BudgetVerdict(lines: []), DrainImpact.estimate(impactSites, draining: [])) }
        return (budget.check(fleet.sites.map(BudgetSite.init), draining: set), DrainImpact.estimate(impactSites, draining: set))
    }

    /// The newest rate known of a site whose current rate is not (its agent stopped
    /// answering), with when it was measured.
    public static func lastKnownRate(_ site: SiteSnapshot) -> RatePoint? {
        site.qps == nil ? site.history.latest : nil
    }
}
