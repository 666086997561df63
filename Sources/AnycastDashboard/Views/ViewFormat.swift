import AnycastCore
import Foundation

/// Formatting shared by the views.
enum ViewFormat {
    /// `16:41:30 UTC`.
    static func clock(_ date: Date) -> String {
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        let s = ((t % 86_400) + 86_400) % 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60)) UTC"
    }

    /// `16:41:30`.
    static func time(_ date: Date) -> String { String(clock(date).dropLast(4)) }

    /// `5m ago`.
    static func ago(_ date: Date?, now: Date) -> String {
        guard let date else { return "-" }
        return NumberFormat.age(max(0, now.timeIntervalSince(date))) + " ago"
    }

    /// The role of a site condition's badge.
    static func role(of condition: SiteCondition) -> StyleRole {
        switch condition {
        case .active: .ok
        case .draining: .warn
        case .drained: .drained
        case .autoWithdrawn: .critical
        case .partial: .warn
        case .unknown: .muted
        case .announcing: .warn
        case .unreachable: .unreachable
        case .stale: .warn
        case .pending: .muted
        }
    }

    /// The badge of a site at the de-prefer step of a drain.
    static let depreferredBadge = "DE-PREFERRED"
    /// The badge of a site whose automatic withdrawal the fleet's budget holds.
    static let withdrawHeldBadge = "WITHDRAW HELD"

    /// The badge shown for a site: its condition, DE-PREFERRED while a staged drain waits for
    /// the traffic to leave, or DRAINING (ANNOUNCING) while a drain (an undrain) sent from
    /// here has not reached the routes yet.
    static func badge(_ site: SiteSnapshot, pending: PendingAction?) -> (String, StyleRole) {
        if site.reachability == .ok, site.condition == .draining, SiteDrain.isDepreferred(site) {
            return (depreferredBadge, .warn)
        }
        // Failing its health check yet announced: the fleet's budget holds its withdrawal.
        if site.reachability == .ok, pending == nil, site.condition == .active || site.condition == .partial,
           site.status?.services.contains(where: { $0.withdrawHeld != nil }) == true {
            return (withdrawHeldBadge, .critical)
        }
        if let p = pending, site.reachability == .ok {
            switch p.phase {
            case .sending, .waitingForRoutes:
                if p.kind == .drain && ![.drained, .autoWithdrawn].contains(site.condition) {
                    return (SiteCondition.draining.badge, .warn)
                }
                if p.kind == .undrain && site.condition != .active { return (SiteCondition.announcing.badge, .warn) }
            default: break
            }
        }
        return (site.condition.badge, role(of: site.condition))
    }

    /// `label` and `text` with a cursor, in `width` columns: the text's end is kept in view,
    /// with `…` where its start scrolled off.
    static func scrolled(_ label: String, _ text: String, cursor: Bool, width: Int) -> String {
        let tail = text + (cursor ? "█" : "")
        let labelWidth = DisplayWidth.of(label)
        guard labelWidth + DisplayWidth.of(tail) > width else { return label + tail }
        // The label gives way first on a very narrow box; the text's end never does.
        let keep = max(1, width - min(labelWidth, width / 3) - 1)
        var shown = ""
        var used = 0
        for c in tail.reversed() {
            let w = DisplayWidth.of(c)
            if used + w > keep { break }
            shown.insert(c, at: shown.startIndex)
            used += w
        }
        let head = labelWidth <= width / 3 ? label : String(TextWrap.prefix(Substring(label), columns: max(0, width / 3 - 1)).head)
        return head + "…" + shown
    }
}
