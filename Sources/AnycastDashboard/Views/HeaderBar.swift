import AnycastCore
import Foundation

/// The top line: fleet, mode badge, site counts, traffic, latency, clock, poll health.
enum HeaderBar {
    static func draw(_ state: DashboardState, into grid: inout CellGrid) {
        grid.fill(Rect(x: 0, y: 0, width: grid.width, height: 1), with: Cell(" ", role: .header))
        var x = grid.width >= 150 ? grid.put(" anycast-dash ", x: 0, y: 0, role: .header, bold: true) : 0
        x += grid.put(" " + state.fleetName + " ", x: x, y: 0, role: .header, bold: true)
        x += grid.put(" \(state.mode.badge) ", x: x, y: 0, role: state.mode == .live ? .liveBadge : .monitorBadge, bold: true)
        x += grid.put(" ", x: x, y: 0, role: .header)
        // The right side (poll health and clock) is laid out first so it always shows; the
        // counts give way when the line is short.
        let sum = state.summary
        let (poll, pollRole) = pollText(state.fleet, summary: sum, now: state.now)
        let clock = " \(ViewFormat.clock(state.now)) "
        // The coordination store's health leads the right side when the fleet has one; a
        // store without quorum stays even when the poll health gives way.
        let etcd = state.coordination.map(CoordinationText.header)
        // Each form with the room it leaves the counts at least.
        var forms: [(parts: [(String, StyleRole)], leaves: Int)] = []
        if let etcd {
            forms.append(([(" \(etcd.long) ", etcd.role), ("│ \(poll) │", pollRole), (clock, pollRole)], 48))
            forms.append(([(" \(etcd.short) ", etcd.role), ("│ \(poll) │", pollRole), (clock, pollRole)], 48))
        }
        // A store without quorum outranks the poll health: it is why drains are refused.
        if let etcd, etcd.role == .critical { forms.append(([(" \(etcd.short) ", etcd.role), ("│", pollRole), (clock, pollRole)], 16)) }
        forms.append(([(" \(poll) │", pollRole), (clock, pollRole)], 48))
        forms.append(([(clock, pollRole)], 0))
        let width = { (form: [(String, StyleRole)]) in form.reduce(0) { $0 + DisplayWidth.of($1.0) } }
        let right = (forms.first { grid.width - x - width($0.parts) >= $0.leaves } ?? forms.last!).parts
        let rightX = grid.width - width(right)
        var px = rightX
        for (text, role) in right { px += grid.put(text, x: px, y: 0, role: role, bold: role == .critical) }

        let (active, drained, unreachable) = (sum.active, sum.drained, sum.unreachable)
        var long = "\(sum.sites) sites: \(active) active"
        var short = "\(active) active"
        if sum.depreferred > 0 { long += " · \(sum.depreferred) de-preferred"; short += " · \(sum.depreferred) de-pref." }
        if drained > 0 { long += " · \(drained) drained"; short += " · \(drained) drained" }
        if unreachable > 0 { long += " · \(unreachable) unreachable"; short += " · \(unreachable) unreach." }
        // The rest by name ("2 stale · 1 unknown"); only the shortest form lumps them together.
        for (condition, count) in sum.others { long += " · \(count) \(condition.rawValue)" }
        let other = sum.others.reduce(0) { $0 + $1.count }
        // The shortest form counts de-preferred sites as drained (they are on their way).
        var shortest = "\(active) active"
        let leaving = drained + sum.depreferred
        if leaving > 0 { shortest += " · \(leaving) drained" }
        if unreachable > 0 { shortest += " · \(unreachable) unreach." }
        if other > 0 {
            shortest += " · \(other) other"
            for (condition, count) in sum.others { short += " · \(count) \(condition.rawValue)" }
        }
        // No site's rate known (every agent down): no total, as the rows show none.
        let total = state.fleet == nil || !sum.qpsKnown ? "-" : NumberFormat.compactRate(sum.totalQPS)
        let p50 = sum.p50Ms.map { NumberFormat.milliseconds($0) + " ms" } ?? "-"
        let room = rightX - x - 1
        let candidates: [(counts: String, rest: String)] = [
            (long, " │ \(total) qps │ p50 \(p50)"), (short, " │ \(total) qps │ p50 \(p50)"), (short, " │ \(total) qps"),
            (shortest, " │ \(total) qps"), (short, ""), (shortest, ""),
        ]
        // Leases about to end, so nobody is surprised by a site coming back: kept before the
        // traffic figures give way, and shown apart in the warning colour.
        // Held withdrawals and a lost coordination store come first, in the critical colour:
        // sites that fail their checks yet announce, and agents that cannot know the fleet.
        let ending = sum.leasesEnding(within: leaseWarning, of: state.now)
        let minutes = Int(leaseWarning / 60)
        let (held, lost) = (sum.withdrawalsHeld, sum.coordinationLost)
        let longParts = [held == 0 ? nil : "\(held) withdrawal\(held == 1 ? "" : "s") held",
                         lost == 0 ? nil : "etcd lost at \(lost) site\(lost == 1 ? "" : "s")",
                         ending == 0 ? nil : "\(ending) lease\(ending == 1 ? " ends" : "s end") <\(minutes)m"].compactMap { $0 }
        let shortParts = [held == 0 ? nil : "\(held) held", lost == 0 ? nil : "etcd lost",
                          ending == 0 ? nil : "\(ending) lease\(ending == 1 ? "" : "s") <\(minutes)m"].compactMap { $0 }
        let leaseForms = longParts.isEmpty ? [] : [" · " + longParts.joined(separator: " · "), " · " + shortParts.joined(separator: " · ")]
        let alertRole: StyleRole = held + lost > 0 ? .critical : .warn
        let fits = { (c: (counts: String, rest: String), lease: String) in DisplayWidth.of(c.counts + lease + c.rest) <= room }
        // The total rate stays if it can, then the longer wording. Held withdrawals and a lost
        // store are never dropped for counts: the active count alone makes room for them.
        let last: [(counts: String, rest: String)] = held + lost > 0 ? [("\(active) active", "")] : []
        for group in [candidates.filter { !$0.rest.isEmpty }, candidates.filter(\.rest.isEmpty), last] {
            for lease in leaseForms {
                guard let c = group.first(where: { fits($0, lease) }) else { continue }
                var lx = x + grid.put(c.counts, x: x, y: 0, role: .header)
                lx += grid.put(lease, x: lx, y: 0, role: alertRole, bold: true)
                grid.put(c.rest, x: lx, y: 0, role: .header)
                return
            }
        }
        let text = candidates.first { fits($0, "") }.map { $0.counts + $0.rest } ?? DisplayWidth.truncate(shortest, to: room)
        grid.put(text, x: x, y: 0, role: .header, maxWidth: room)
    }

    /// Leases that end within this many seconds are counted in the header.
    static let leaseWarning: TimeInterval = 15 * 60

    /// The poll health: the poller's own (cycles on time), and whether the agents answer. A
    /// poller that runs on time while no agent answers is not "ok", and neither is one whose
    /// cycles have stopped arriving (its last word would say "ok" over old data).
    static func pollText(_ fleet: FleetSnapshot?, summary: FleetSummary, now: Date) -> (String, StyleRole) {
        guard let fleet, fleet.pollHealth.cycles > 0 else { return ("polling…", .header) }
        let h = fleet.pollHealth
        if h.stalled(takenAt: fleet.takenAt, now: now) {
            return ("poll stalled \(NumberFormat.age(now.timeIntervalSince(fleet.takenAt)))", .critical)
        }
        if summary.sites > 0, summary.failing == summary.sites { return ("poll: no agent answers", .critical) }
        if h.missedCycles > 0 { return ("poll \(h.missedCycles) missed", .warn) }
        let ms = "\(Int(((h.lastCycleSeconds ?? 0) * 1000).rounded())) ms"
        if summary.failing > 0 { return ("poll \(ms), \(summary.failing) failing", .warn) }
        return ("poll ok \(ms)", .header)
    }
}
