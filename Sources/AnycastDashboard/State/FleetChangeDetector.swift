import AnycastCore
import Foundation

/// Turns two consecutive fleet snapshots into log entries: agents lost and found, peers down
/// and up, routes withdrawn and announced, drains appearing and disappearing.
public enum FleetChangeDetector {
    public static func changes(from old: FleetSnapshot?, to new: FleetSnapshot, at time: Date) -> [DashboardLogEntry] {
        guard let old else { return [] }
        // A fleet's sites keep their order from poll to poll: each is compared with its own
        // previous record by index, and only a fleet whose sites moved needs a lookup table.
        // (Indices, not the sites themselves: iterating copies every snapshot.)
        let aligned = new.sameSites(as: old)
        let before = aligned ? [:] : Dictionary(old.sites.map { ($0.config.id, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [DashboardLogEntry] = []
        func log(_ id: String, _ level: DashboardLogEntry.Level, _ message: String) {
            out.append(DashboardLogEntry(time: time, siteID: id, level: level, message: message))
        }
        // When the new snapshot comes from the cycle after the old one's, the poller has said
        // which sites changed: only those are looked at.
        let looked = new.sitesChanged(after: old, sameSites: aligned) ?? Array(new.sites.indices)
        for i in looked {
            let site = new.sites[i]
            let id = site.config.id
            guard let prev = aligned ? old.sites[i] : before[id] else { continue }
            if site.reachability == .unreachable && prev.reachability != .unreachable {
                log(id, .critical, "agent unreachable: \(site.lastError ?? "no answer")")
            } else if site.reachability == .ok && prev.reachability == .unreachable {
                log(id, .info, "agent reachable again")
            }
            guard let now = site.status, let then = prev.status, site.reachability == .ok else { continue }
            if now.agent.startedAt != then.agent.startedAt { log(id, .warning, "agent restarted") }
            Self.forEachPair(now.peers, then.peers, by: \.name) { peer, was in
                guard was.state != peer.state else { return }
                if was.state.isEstablished {
                    log(id, .warning, "peer \(peer.name) (AS\(peer.asn)) down: \(peer.state.displayName)" + (peer.lastError.map { ", \($0)" } ?? ""))
                } else if peer.state.isEstablished {
                    log(id, .info, "peer \(peer.name) (AS\(peer.asn)) up")
                }
            }
            Self.forEachPair(now.services, then.services, by: \.name) { svc, was in
                if svc.drain != was.drain {
                    for (level, message) in drainChanges(svc, was: was, qps: site.qps, at: time) { log(id, level, message) }
                }
                if svc.observed != was.observed {
                    switch svc.observed {
                    case .withdrawn: log(id, svc.desired == .drain ? .info : .critical, "\(svc.name) withdrawn from every peer")
                    case .announced: log(id, .info, "\(svc.name) announced to every peer")
                    case .partial: log(id, .warning, "\(svc.name) partially announced")
                    case .unknown: log(id, .warning, "\(svc.name) state unknown" + (now.errors.first.map { ": \($0.source): \($0.message)" } ?? ""))
                    }
                }
            }
        }
        return out
    }

    /// Calls `body` with each of `now` and its namesake in `then`. Peers and services usually
    /// keep their places from poll to poll: those are paired by position, without a table.
    static func forEachPair<T>(_ now: [T], _ then: [T], by name: (T) -> String, _ body: (T, T) -> Void) {
        if now.count == then.count, zip(now, then).allSatisfy({ name($0) == name($1) }) {
            for (a, b) in zip(now, then) { body(a, b) }
            return
        }
        let old = Dictionary(then.map { (name($0), $0) }, uniquingKeysWith: { a, _ in a })
        for item in now { if let was = old[name(item)] { body(item, was) } }
    }

    /// What changed in a service's drain record between two polls: a drain begun (at the
    /// de-prefer step or withdrawn), moved on to the withdraw, held, its lease extended, or
    /// ended (by an operator, or by its lease).
    static func drainChanges(_ svc: ServiceStatus, was: ServiceStatus, qps: Double?, at time: Date) -> [(DashboardLogEntry.Level, String)] {
        let name = svc.name
        switch (was.drain, svc.drain) {
        case (let old?, nil):
            // The agent ends a lease at its next refresh: a record whose lease has passed went
            // because of it, very likely.
            if let end = old.leaseUntil, end <= time.addingTimeInterval(5) {
                return [(.info, "\(name) undrained: the lease of \(old.operator)'s drain\(old.ticket.map { " (\($0))" } ?? "") ended at \(ViewFormat.clock(end))")]
            }
            return [(.info, "\(name) undrained")]
        case (let old, let d?) where old == nil || old!.mode != d.mode || old!.since != d.since || old!.operator != d.operator:
            if d.mode == .auto {
                let leaseEnded = old.flatMap(\.leaseUntil).map { $0 <= time.addingTimeInterval(5) } ?? false
                return [(.critical, "\(name) auto-withdrawn\(leaseEnded ? " as its lease ended" : ""): \(d.reason)")]
            }
            let verb = svc.step == .deprefer ? (d.hold == true ? "held at de-prefer" : "de-preferred") : "drained"
            var said = [d.ticket, d.reason].compactMap { $0 }.joined(separator: " · ")
            if let end = d.leaseUntil { said += " · lease until \(ViewFormat.clock(end))" }
            return [(.warning, "\(name) \(verb) by \(d.operator): \(said)")]
        case (let old?, let d?):
            var out: [(DashboardLogEntry.Level, String)] = []
            if old.currentStage == .deprefer && d.currentStage == .withdraw {
                let left = d.baselineQps.flatMap { b in b > 0 ? qps.map { " (\(DrainText.wholePercent($0 / b)) of its traffic left)" } : nil } ?? ""
                out.append((.info, "\(name) moves on from de-prefer to withdraw\(left)"))
            }
            if d.hold == true && old.hold != true { out.append((.info, "\(name) held at de-prefer")) }
            if let end = d.leaseUntil, end != old.leaseUntil {
                out.append((.info, "\(name) lease \(old.leaseUntil == nil ? "set" : "extended"): ends \(ViewFormat.clock(end))"))
            }
            return out
        default:
            return []
        }
    }
}
