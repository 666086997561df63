/// Whether the budget lets a site take services out of the fleet, judged on every site's record
/// in the coordination store: the one place that sees every withdrawal, whoever asked for it.
///
/// A pure function of the records, so the store's transaction can run it on what it read and
/// commit only if none of that changed since.
public enum WithdrawalCheck {
    /// The answer: allowed, or refused with the rules it would break and who holds the budget.
    public enum Verdict: Sendable, Hashable {
        case allowed
        case refused(String)

        public var allowed: Bool { self == .allowed }
    }

    /// Checks `site` (of `region`) withdrawing or de-preferring `services` under `budget`.
    /// A site without a record counts as not active: its agent is gone or cannot say.
    public static func check(site: String, region: String, services: [String], records: [SiteRecord], budget: DrainBudget) -> Verdict {
        var problems: [String] = []
        for service in services {
            var sites = records.compactMap { r in
                r.service(service).map { BudgetSite(id: r.site, region: r.region, isActive: $0.isActive) }
            }
            // The asking site announces (that is why it withdraws), written down or not yet.
            if !sites.contains(where: { $0.id == site }) { sites.append(BudgetSite(id: site, region: region, isActive: true)) }
            let verdict = budget.check(sites, draining: [site])
            for line in verdict.violations {
                let scope = line.scope == "fleet" ? "min_active_sites" : "\(line.scope) min_active"
                let total = line.scope == "fleet" ? sites.count : sites.count(where: { $0.region == region })
                let holders = holdersText(service: service, region: line.scope == "fleet" ? nil : region, records: records, except: site)
                problems.append("\(service): \(line.activeNow) of \(total) sites active\(line.scope == "fleet" ? "" : " in \(line.scope)")\(holders); "
                                + "withdrawing \(site) would leave \(line.activeAfter), \(scope) = \(line.minimum)")
            }
        }
        let changing = records.filter { $0.site != site && $0.isChanging }
        if let max = budget.maxConcurrentChanges, changing.count >= max {
            problems.append("\(changing.count) \(changing.count == 1 ? "site is" : "sites are") already changing (\(changing.map(\.site).sorted().joined(separator: ", "))); max_concurrent_changes = \(max)")
        }
        if let max = budget.regionMaxConcurrentChanges[region] {
            let inRegion = changing.filter { $0.region == region }
            if inRegion.count >= max {
                problems.append("\(inRegion.count) \(inRegion.count == 1 ? "site is" : "sites are") already changing in region \(region) (\(inRegion.map(\.site).sorted().joined(separator: ", "))); region \(region) max_concurrent_changes = \(max)")
            }
        }
        return problems.isEmpty ? .allowed : .refused(problems.joined(separator: "; "))
    }

    /// " (not active: fra1 drained by alice: CHG-1, lhr1 withdrawn by health)": who holds the
    /// budget for `service`, so a refusal says whom to ask.
    static func holdersText(service: String, region: String?, records: [SiteRecord], except site: String) -> String {
        let out = records.filter { $0.site != site && (region == nil || $0.region == region) }
            .compactMap { r -> String? in
                guard let s = r.service(service), !s.isActive else { return nil }
                if let drain = s.drain, s.step != .announce {
                    let how = s.step == .deprefer ? "de-preferred" : "withdrawn"
                    return "\(r.site) \(how) by \(drain.operator)\(drain.ticket.map { ": \($0)" } ?? "")"
                }
                return "\(r.site) \(s.observed.rawValue)"
            }
            .sorted()
        return out.isEmpty ? "" : " (not active: \(out.joined(separator: ", ")))"
    }
}
