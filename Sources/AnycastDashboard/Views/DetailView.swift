import AnycastCore
import Foundation

/// One site in depth: peers, services per peer, a 15-minute traffic chart, latency, health and
/// the site's recent events.
enum DetailView {
    static func draw(_ state: DashboardState, siteID: String, in area: Rect, into grid: inout CellGrid) {
        guard let site = state.fleet?.sites.first(where: { $0.config.id == siteID }) else {
            grid.put("site \(siteID) is not in the fleet", x: area.x + 2, y: area.y + 1, role: .muted)
            return
        }
        // Title line.
        let (badge, badgeRole) = ViewFormat.badge(site, pending: state.pending[siteID])
        var x = area.x + grid.put(" \(site.config.id) \(site.config.name) · \(site.config.region) ", x: area.x, y: area.y, role: .title, bold: true)
        x += grid.put(" \(badge) ", x: x, y: area.y, role: badgeRole, bold: true)
        if site.reachability == .ok, let d = SiteDrain(site) {
            let text = "· " + (DrainText.details(d, site: site, now: state.now) + [DrainText.attribution(d.record)]).joined(separator: " · ")
            x += grid.put(text, x: x, y: area.y, role: d.atDeprefer ? .warn : .drained, maxWidth: max(0, area.maxX - x))
        }
        var facts: [String] = []
        if let a = site.status?.agent {
            facts.append("agent \(a.version), up \(NumberFormat.age(state.now.timeIntervalSince(a.startedAt)))")
        }
        facts.append("data " + (site.dataAge(now: state.now).map { NumberFormat.age($0) + " old" } ?? "none"))
        if let e = site.lastError { facts.append(e) }
        grid.put("  " + facts.joined(separator: " · "), x: x, y: area.y, role: site.reachability == .ok ? .muted : .critical, maxWidth: area.maxX - x)

        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        let twoColumns = body.width >= 110
        let left = twoColumns ? Rect(x: body.x, y: body.y, width: body.width / 2, height: body.height) : body
        let right = twoColumns ? Rect(x: body.x + body.width / 2, y: body.y, width: body.width - body.width / 2, height: body.height) : body

        // Traffic chart: top of the right column (or of the only column). Beside the left
        // column it takes what the events (below it) leave, down to half the height.
        let events = eventLines(state, siteID: siteID)
        // The events' lines as the section will wrap them (at most 3 each).
        let eventRows = events.reduce(1) { $0 + max(1, min(3, TextWrap.lines($1.0, columns: max(3, right.width - 4), maxLines: 3).count)) }
        let chartHeight = twoColumns ? max(6, right.height - min(right.height / 2, eventRows)) : max(5, min(12, body.height / 3))
        let chart = Rect(x: right.x, y: right.y, width: right.width, height: chartHeight)
        drawChart(site, in: chart, into: &grid)

        var leftY = twoColumns ? left.y : chart.maxY
        let leftBottom = twoColumns ? left.maxY : body.maxY
        leftY = section("SITE", siteLines(site, now: state.now) + coordinationLines(state.coordination, site: site, now: state.now), x: left.x, y: leftY, width: left.width, bottom: leftBottom, into: &grid)
        leftY = section("BGP PEERS", peerLines(site, now: state.now), x: left.x, y: leftY, width: left.width, bottom: leftBottom, wrap: false, into: &grid)
        leftY = section("SERVICES", serviceLines(site, selected: state.detailServiceIndex, now: state.now), x: left.x, y: leftY, width: left.width, bottom: leftBottom, into: &grid)
        leftY = section("LATENCY AND HEALTH", healthLines(site, now: state.now), x: left.x, y: leftY, width: left.width, bottom: leftBottom, into: &grid)
        let eventsY = twoColumns ? chart.maxY : leftY
        let eventsX = twoColumns ? right.x : left.x
        let eventsWidth = twoColumns ? right.width : left.width
        _ = section("EVENTS", events, x: eventsX, y: eventsY, width: eventsWidth, bottom: body.maxY, into: &grid)
    }

    /// A titled block of lines, each wrapped (up to 3 lines, then `…`) so a long reason or
    /// event can be read, or, for columns (`wrap` false), cut with `…`; returns the next free line.
    static func section(
        _ title: String, _ lines: [(String, StyleRole)], x: Int, y: Int, width: Int, bottom: Int, wrap: Bool = true,
        into grid: inout CellGrid
    ) -> Int {
        guard y < bottom else { return y }
        let w = grid.put(" \(title) ", x: x, y: y, role: .accent, bold: true, maxWidth: width)
        if w < width - 1 { grid.put(String(repeating: "─", count: width - w - 1), x: x + w, y: y, role: .border) }
        var yy = y + 1
        let room = width - 2
        for (text, role) in lines {
            guard yy < bottom else { break }
            // Lines that fit keep their own spacing (the peers' columns).
            let indent = String(text.prefix { $0 == " " })
            let parts = DisplayWidth.of(text) <= room || room < 12 || !wrap ? [text]
                : TextWrap.lines(String(text.dropFirst(indent.count)), columns: room - indent.count - 2, maxLines: 3)
                    .enumerated().map { (i, p) in (i == 0 ? indent : indent + "  ") + p }
            for part in parts {
                guard yy < bottom else { break }
                grid.put(DisplayWidth.of(part) > room ? DisplayWidth.truncate(part, to: max(0, room)) : part, x: x + 1, y: yy, role: role, maxWidth: room)
                yy += 1
            }
        }
        return yy
    }

    /// Where the site is and what answers for it.
    /// The site's lock, and the record its agent keeps in the coordination store.
    static func coordinationLines(_ c: FleetCoordination?, site: SiteSnapshot, now: Date) -> [(String, StyleRole)] {
        guard let c else { return [] }
        var out: [(String, StyleRole)] = []
        if let lock = c.lock(of: site.config.id) {
            out.append((CoordinationText.lock(lock) + (lock.client.map { " (\($0))" } ?? ""), .warn))
        }
        if let record = c.record(of: site.config.id) {
            out.append((CoordinationText.record(record, now: now), site.reachability == .ok ? .muted : .warn))
        } else if c.readAt != nil {
            out.append(("no record in etcd: the budget counts the site as not active", .critical))
        }
        return out
    }

    static func siteLines(_ site: SiteSnapshot, now: Date) -> [(String, StyleRole)] {
        var out: [(String, StyleRole)] = [("agent \(site.config.url)", .text)]
        if let location = site.config.location ?? site.status?.site.location { out.append(("location \(location)", .text)) }
        if let a = site.status?.agent {
            out.append(("version \(a.version), up \(NumberFormat.age(max(0, now.timeIntervalSince(a.startedAt))))", .muted))
            if let router = a.router { out.append(("routing daemon \(router)", .text)) }
            if let daemons = a.daemons, !daemons.isEmpty { out.append(("daemons \(daemons.joined(separator: ", "))", .muted)) }
        }
        return out
    }

    static func drawChart(_ site: SiteSnapshot, in rect: Rect, into grid: inout CellGrid) {
        let points = site.history.points
        let values = points.map(\.qps)
        let top = values.max() ?? 0
        // Scaled to the data's range, as the sparklines are: a steady rate shows its shape,
        // not a wall of full blocks; the axis says where the bottom is.
        let low = values.min() ?? 0
        let floor = max(0, low - (top - low) / 4)
        let title = "TRAFFIC · last \(NumberFormat.age(Double(values.count))) · now \(NumberFormat.compactRate(site.qps)) qps · max \(NumberFormat.compactRate(top))"
        grid.box(rect, role: .border, title: title, titleRole: .accent)
        let inner = rect.inset(1)
        guard inner.width > 8, inner.height > 0 else { return }
        let labelWidth = 6
        let chartWidth = inner.width - labelWidth
        // Whole seconds per column, aligned to the clock, so the chart scrolls in steps.
        let period = max(1, Int((Double(RateHistory.defaultCapacity) / Double(max(1, chartWidth))).rounded(.up)))
        let columns = Sparkline.columns(points, width: chartWidth, secondsPerColumn: period)
        let rows = Sparkline.area(columns, width: chartWidth, height: inner.height, maxValue: top > 0 ? top : nil, minValue: floor)
        for (i, row) in rows.enumerated() {
            let middle = rows.count >= 5 && i == rows.count / 2
            let label = i == 0 ? NumberFormat.compactRate(top)
                : (i == rows.count - 1 ? NumberFormat.compactRate(floor) : (middle ? NumberFormat.compactRate((top + floor) / 2) : ""))
            grid.put(DisplayWidth.pad(label, to: labelWidth - 1, alignRight: true), x: inner.x, y: inner.y + i, role: .muted)
            grid.put(row, x: inner.x + labelWidth, y: inner.y + i, role: .sparkline)
        }
    }

    static func peerLines(_ site: SiteSnapshot, now: Date) -> [(String, StyleRole)] {
        guard let peers = site.status?.peers, !peers.isEmpty else { return [("no BGP peers reported", .muted)] }
        var out: [(String, StyleRole)] = []
        for p in peers {
            let since = p.since.map { NumberFormat.age(max(0, now.timeIntervalSince($0))) } ?? "-"
            out.append(("\(DisplayWidth.pad(p.name, to: 9)) \(DisplayWidth.pad(p.address, to: 15)) AS\(DisplayWidth.pad(String(p.asn), to: 10)) \(DisplayWidth.pad(p.state.displayName, to: 11)) \(DisplayWidth.pad(since, to: 5, alignRight: true))  exported \(p.exported)",
                        p.state.isEstablished ? .text : .critical))
            if let e = p.lastError, !p.state.isEstablished { out.append(("          last error: \(e)", .critical)) }
        }
        return out
    }

    static func serviceLines(_ site: SiteSnapshot, selected: Int, now: Date) -> [(String, StyleRole)] {
        guard let services = site.status?.services, !services.isEmpty else { return [("no services reported", .muted)] }
        var out: [(String, StyleRole)] = []
        for (i, s) in services.enumerated() {
            let marker = i == selected ? "▶ " : "  "
            let role: StyleRole = s.observed == .announced && s.desired == .announce ? .ok : (s.desired == .drain ? .drained : .warn)
            out.append(("\(marker)\(s.name)  desired \(s.desired.rawValue)  observed \(s.observed.rawValue)", i == selected ? .selection : role))
            out.append(("    " + s.prefixes.joined(separator: "  "), .muted))
            if let d = s.drain {
                let (reason, overridden) = DrainCommand.shownReason(d.reason)
                let who = d.mode == .auto ? "auto-withdrawn" : "drained by \(d.operator)"
                out.append(("    \(who)\(overridden ? " OVERRIDE" : ""): \(reason)", d.mode == .auto ? .critical : .drained))
                out += lifecycleLines(s, drain: d, site: site, now: now)
            }
            if let held = s.withdrawHeld {
                out.append(("    WITHDRAW HELD (\(held.requester), since \(ViewFormat.clock(held.since))): \(held.reason)", .critical))
            }
            if !s.peers.isEmpty {
                out.append(("    " + s.peers.map { "\($0.peer) \($0.observed == .announced ? "✓" : ($0.observed == .withdrawn ? "✗" : "?"))" }.joined(separator: "  "), .muted))
            }
        }
        return out
    }

    /// A drain's step, ticket and lease, under its reason.
    static func lifecycleLines(_ s: ServiceStatus, drain d: DrainRecord, site: SiteSnapshot, now: Date) -> [(String, StyleRole)] {
        var out: [(String, StyleRole)] = []
        if s.step == .deprefer {
            var text = "    \(d.hold == true ? "HELD at de-prefer" : "de-preferred") for \(NumberFormat.span(max(0, now.timeIntervalSince(d.stageSince ?? d.since))))"
            if let base = d.baselineQps, base > 0, let qps = site.qps {
                text += ", \(DrainText.wholePercent(qps / base)) of the traffic left (\(NumberFormat.compactRate(base)) qps before)"
            }
            if d.hold == true {
                text += "; w withdraws now"
            } else if let step = s.deprefer {
                text += "; withdraws under \(DrainText.wholePercent(step.withdrawBelow)) or after \(NumberFormat.span(step.stageTimeout))"
            }
            out.append((text, .warn))
            if let step = s.deprefer {
                let seen = switch s.depreferred {
                case true?: ", at every peer"
                case false?: ", not yet at every peer"
                case nil: ""
                }
                out.append(("    announced with \(attributes(step))\(seen)", .muted))
            }
        }
        var facts: [String] = []
        if let ticket = d.ticket { facts.append("ticket \(ticket)") }
        if let end = d.leaseUntil, let left = d.leaseLeft(at: now) {
            facts.append("lease ends \(ViewFormat.clock(end)), in \(NumberFormat.span(left, roundUp: true)) (e extends)")
        }
        if !facts.isEmpty { out.append(("    " + facts.joined(separator: " · "), d.mode == .auto ? .critical : .drained)) }
        return out
    }

    /// `AS path prepended 3 times, community 65535:0`: what a de-preferred route carries.
    static func attributes(_ step: DepreferSummary) -> String {
        var parts: [String] = []
        if step.prepend > 0 { parts.append("AS path prepended \(step.prepend) time\(step.prepend == 1 ? "" : "s")") }
        if let med = step.med { parts.append("MED \(med)") }
        if step.gracefulShutdown { parts.append("community 65535:0") }
        return parts.isEmpty ? "no attributes" : parts.joined(separator: ", ")
    }

    static func healthLines(_ site: SiteSnapshot, now: Date) -> [(String, StyleRole)] {
        var out: [(String, StyleRole)] = []
        if let l = site.status?.latency {
            out.append(("p50 \(NumberFormat.milliseconds(l.p50Ms)) ms  p95 \(NumberFormat.milliseconds(l.p95Ms)) ms  p99 \(NumberFormat.milliseconds(l.p99Ms)) ms  (\(l.source))", .text))
        }
        for h in site.status?.health ?? [] {
            out.append(("\(h.name): \(h.state.rawValue) \(h.detail)", h.state == .up ? .ok : (h.state == .down ? .critical : .muted)))
        }
        for e in site.status?.errors ?? [] { out.append(("\(e.source): \(e.message)", .warn)) }
        if let rcodes = site.status?.traffic.rcodes, let servfail = rcodes["SERVFAIL"], let total = site.status?.traffic.queriesTotal, total > 0 {
            out.append(("SERVFAIL \(NumberFormat.percent(Double(servfail) / Double(total))) of all answers since the DNS server started", .muted))
        }
        return out.isEmpty ? [("no latency or health data", .muted)] : out
    }

    /// An agent event for the log: `[agent] drain by root (token …): …`, with the step of the
    /// drain's life it records and its ticket in the tag: `[agent · lease ended · CHG-1] …`.
    static func agentEventText(_ e: AgentEvent) -> String {
        let tags = [e.change.map(changeText), e.ticket].compactMap { $0 }
        // The agent's message usually says who already ("drain by root (token …): …"), and
        // always for the changes of a drain's life.
        let who = "\(e.kind.rawValue) by \(e.actor)"
        let body = e.change != nil || e.message.hasPrefix(who) ? e.message : "\(who): \(e.message)"
        return "[" + (["agent"] + tags).joined(separator: " · ") + "] " + body
    }

    /// A drain change in a few words.
    static func changeText(_ c: DrainChange) -> String {
        switch c {
        case .deprefer: "de-prefer"
        case .withdraw: "withdraw step"
        case .hold: "held at de-prefer"
        case .leaseExpired: "lease ended"
        case .leaseExtended: "lease extended"
        }
    }

    static func eventLines(_ state: DashboardState, siteID: String) -> [(String, StyleRole)] {
        var entries: [(Date, String, StyleRole)] = state.log.filter { $0.siteID == siteID }.map { ($0.time, $0.message, EventLogView.role($0.level)) }
        for e in state.agentEvents[siteID] ?? [] {
            entries.append((e.time, agentEventText(e), .muted))
        }
        entries.sort { $0.0 > $1.0 }
        return entries.isEmpty ? [("no events", .muted)] : entries.map { ("\(ViewFormat.time($0.0))  \($0.1)", $0.2) }
    }
}
