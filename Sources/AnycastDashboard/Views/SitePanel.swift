import AnycastCore
import Foundation

/// One site's panel in the fleet view.
enum SitePanel {
    static func draw(_ site: SiteSnapshot, in rect: Rect, state: DashboardState, share: Double?, into grid: inout CellGrid) {
        let selected = site.config.id == state.selectedSiteID
        let marked = state.marks.contains(site.config.id)
        let pending = state.pending[site.config.id]
        let unreachable = site.reachability == .unreachable
        let borderRole: StyleRole = selected ? .accent : (unreachable ? .critical : .border)
        grid.box(rect, role: borderRole)
        let inner = Rect(x: rect.x + 2, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
        guard inner.width > 4, inner.height >= 1 else { return }
        // Title: mark, id, name on the left; region on the right.
        let title = (marked ? "● " : "") + "\(site.config.id) \(site.config.name)"
        let region = " \(site.config.region) "
        let titleWidth = grid.put(" \(title) ", x: rect.x + 1, y: rect.y, role: selected ? .selection : (marked ? .mark : .title), bold: true,
                                  maxWidth: rect.width - 3 - DisplayWidth.of(region))
        if rect.width - 2 - titleWidth > DisplayWidth.of(region) {
            grid.put(region, x: rect.maxX - 1 - DisplayWidth.of(region), y: rect.y, role: .muted)
        }
        highlightMatches(site, title: title, titleWidth: titleWidth, region: region, rect: rect, state: state, into: &grid)
        let x = inner.x, w = inner.width
        var y = inner.y
        let dataRole: StyleRole = site.reachability == .ok ? .text : .muted

        // Line 1: badge, progress, peers.
        let (badge, badgeRole) = ViewFormat.badge(site, pending: pending)
        var cx = x + grid.put(" \(badge) ", x: x, y: y, role: badgeRole, bold: true, maxWidth: w)
        // Where a staged drain stands, or its lease: the last facts give way to a narrow panel.
        var detailsShown = false
        if site.reachability == .ok, let drain = SiteDrain(site) {
            // HELD right beside the badge: the panel has no room for another `·`.
            if drain.held { cx += grid.put("HELD", x: cx, y: y, role: .warn, bold: true, maxWidth: inner.maxX - cx) }
            var parts = DrainText.details(drain, site: site, now: state.now, held: false)
            while !parts.isEmpty, DisplayWidth.of(" " + parts.joined(separator: " · ")) > inner.maxX - cx { parts.removeLast() }
            if !parts.isEmpty {
                cx += grid.put(" " + parts.joined(separator: " · "), x: cx, y: y, role: drain.atDeprefer ? .warn : .drained, maxWidth: inner.maxX - cx)
            }
            detailsShown = drain.held || !parts.isEmpty
        }
        // After the drain's facts, the progress only when it fits whole.
        if let p = pending, cx < inner.maxX - 2, !detailsShown || DisplayWidth.of(" " + p.label + " ✓") <= inner.maxX - cx {
            let role: StyleRole = switch p.phase {
            case .verified: .ok
            case .notEffective, .failed: .critical
            default: .warn
            }
            cx += grid.put(" " + p.label + (p.phase.isVerified ? " ✓" : ""), x: cx, y: y, role: role, bold: !p.phase.isVerified, maxWidth: inner.maxX - cx)
        }
        if let status = site.status {
            let est = status.establishedPeerCount, total = status.peers.count
            let peers = "peers \(est)/\(total)"
            let role: StyleRole = site.reachability != .ok ? .muted : (est == total ? .ok : (est == 0 ? .critical : .warn))
            let px = inner.maxX - DisplayWidth.of(peers)
            if px > cx + 1 { grid.put(peers, x: px, y: y, role: role) }
        }
        y += 1
        guard y < inner.maxY else { return }

        // Line 2: qps, share, sparkline.
        if unreachable {
            grid.put("agent unreachable", x: x, y: y, role: .critical, bold: true, maxWidth: w)
        } else {
            let q = NumberFormat.compactRate(site.qps) + " qps"
            var lx = x + grid.put(q, x: x, y: y, role: dataRole, bold: true, maxWidth: w)
            lx += grid.put(" " + NumberFormat.percent(share), x: lx, y: y, role: .muted, maxWidth: inner.maxX - lx)
            let sparkWidth = inner.maxX - lx - 1
            if sparkWidth >= 4 {
                let values = Sparkline.columns(site.history, last: sparkWidth * 4 + 4, width: sparkWidth, secondsPerColumn: 4)
                Sparkline.draw(values, width: sparkWidth, x: inner.maxX - sparkWidth, y: y, role: .sparkline, into: &grid)
            }
        }
        y += 1
        guard y < inner.maxY else { return }

        // Line 3: latency, and the data's age when it is not fresh.
        let lat = site.status?.latency
        let latency = "p50 \(NumberFormat.milliseconds(lat?.p50Ms))  p99 \(NumberFormat.milliseconds(lat?.p99Ms)) ms"
        let lw = grid.put(latency, x: x, y: y, role: dataRole, maxWidth: w)
        if let age = site.dataAge(now: state.now), site.reachability != .ok || age > 3 {
            let text = "data \(NumberFormat.age(age)) old"
            let ax = inner.maxX - DisplayWidth.of(text)
            if ax > x + lw { grid.put(text, x: ax, y: y, role: .warn) }
        } else if case .none = site.status {
            let text = "no data yet"
            let ax = inner.maxX - DisplayWidth.of(text)
            if ax > x + lw { grid.put(text, x: ax, y: y, role: .muted) }
        }
        y += 1
        guard y < inner.maxY else { return }

        // Line 4: services.
        if let services = site.status?.services, !services.isEmpty {
            var sx = x
            for svc in services where sx < inner.maxX {
                let role: StyleRole = switch svc.observed {
                case .announced: svc.desired == .announce ? .ok : .warn
                case .withdrawn: svc.desired == .drain ? .drained : .critical
                case .partial: .warn
                case .unknown: .muted
                }
                let text = (site.reachability == .ok ? "" : "last known: ") + "\(svc.name) \(svc.observed.rawValue)  "
                sx += grid.put(text, x: sx, y: y, role: site.reachability == .ok ? role : .muted, maxWidth: inner.maxX - sx)
            }
        }
        y += 1
        guard y < inner.maxY else { return }

        // Line 5: why: an operator's change in progress (its lock), what the store last heard
        // from an agent that does not answer, the drain record, the agent's error, a backend error.
        let coordination = state.coordination
        if let lock = coordination?.lock(of: site.config.id) {
            grid.put(CoordinationText.lock(lock, width: w), x: x, y: y, role: .warn, bold: true, maxWidth: w)
        } else if unreachable || site.reachability == .stale, let record = coordination?.record(of: site.config.id) {
            grid.put(DisplayWidth.truncate(CoordinationText.record(record, now: state.now), to: w), x: x, y: y, role: .warn, maxWidth: w)
        } else if unreachable || site.reachability == .stale {
            grid.put(DisplayWidth.truncate(site.lastError ?? "no answer", to: w), x: x, y: y, role: unreachable ? .critical : .warn, maxWidth: w)
        } else if let d = SiteDrain(site)?.record {
            let who = d.mode == .auto ? "auto" : d.operator
            let (shown, overridden) = DrainCommand.shownReason(d.reason)
            let reason = (d.ticket.map { "\($0) · " } ?? "") + shown
            let used = grid.put(DisplayWidth.truncate("by \(who) \(ViewFormat.ago(d.since, now: state.now)): ", to: w), x: x, y: y,
                                role: d.mode == .auto ? .critical : .drained, maxWidth: w)
            let mark = overridden ? "OVERRIDE " : ""
            let m = grid.put(mark, x: x + used, y: y, role: .critical, bold: true, maxWidth: w - used)
            grid.put(DisplayWidth.truncate(reason, to: max(0, w - used - m)), x: x + used + m, y: y,
                     role: d.mode == .auto ? .critical : .drained, maxWidth: w - used - m)
        } else if let e = site.status?.errors.first {
            grid.put(DisplayWidth.truncate("\(e.source): \(e.message)", to: w), x: x, y: y, role: .warn, maxWidth: w)
        }
    }
}

extension PendingAction.Phase {
    var isVerified: Bool { if case .verified = self { return true } else { return false } }
}

extension SitePanel {
    /// The filter's matches in the panel's title (id, name) and region, reversed as in the table.
    static func highlightMatches(
        _ site: SiteSnapshot, title: String, titleWidth: Int, region: String, rect: Rect, state: DashboardState, into grid: inout CellGrid
    ) {
        let filter = state.siteFilter
        guard !filter.isEmpty else { return }
        let titleX = rect.x + 2  // after the border and the title's leading space
        let idStart = DisplayWidth.of(title) - DisplayWidth.of("\(site.config.id) \(site.config.name)")
        var marks: [(text: String, field: SiteFilter.Field, x: Int, limit: Int)] = [
            (site.config.id, .site, titleX + idStart, rect.x + titleWidth),
            (site.config.name, .name, titleX + idStart + DisplayWidth.of(site.config.id) + 1, rect.x + titleWidth),
        ]
        if rect.width - 2 - titleWidth > DisplayWidth.of(region) {
            marks.append((site.config.region, .region, rect.maxX - DisplayWidth.of(region), rect.maxX - 1))
        }
        for m in marks {
            for r in filter.highlights(in: m.text, field: m.field) {
                let from = m.x + DisplayWidth.of(String(m.text[..<r.lowerBound]))
                grid.emphasize(x: from, y: rect.y, width: max(0, min(DisplayWidth.of(String(m.text[r])), m.limit - from)))
            }
        }
    }
}
