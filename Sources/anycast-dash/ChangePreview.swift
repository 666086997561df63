import AnycastCore
import AnycastDashboard

/// The text preview of a drain or undrain for the command line.
enum ChangePreview {
    static func text(kind: DrainCommand.Kind, site: SiteSnapshot, service: String?, verdict: BudgetVerdict, impact: DrainImpact) -> String {
        var out = "\(kind.rawValue) \(service.map { "\($0) at " } ?? "")\(site.config.id) \(site.config.name) (\(site.config.region)): now \(site.condition.badge), \(NumberFormat.compactRate(site.qps)) qps\n"
        guard kind == .drain else { return out }
        for r in impact.receivers.prefix(8) {
            out += "  → \(r.id): \(NumberFormat.compactRate(r.nowQPS)) → \(NumberFormat.compactRate(r.expectedQPS)) qps"
            if let u = r.expectedUtilisation { out += " (\(NumberFormat.percent(u)) of capacity)" }
            out += "\n"
        }
        if impact.strandedQPS > 0 { out += "  \(NumberFormat.compactRate(impact.strandedQPS)) qps would have nowhere to go\n" }
        for line in verdict.lines { out += "  budget \(line.description)\n" }
        return out
    }
}
