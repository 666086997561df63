import AnycastCore
import Foundation

/// Turns two consecutive fleet snapshots into log entries: agents lost and found, peers down
/// and up, routes withdrawn and announced, drains appearing and disappearing.
public enum FleetChangeDetector {
    public static func changes(from old: FleetSnapshot?, to new: FleetSnapshot, at time: Date) -> [DashboardLogEntry] {
        guard let old else { return [] }
        let before = Dictionary(uniqueKeysWithValues: old.sites.map { ($0.config.id, $0) })
        var out: [DashboardLogEntry] = []
        func log(_ id: String, _ level: DashboardLogEntry.Level, _ message: String) {
            out.append(DashboardLogEntry(time: time, siteID: id, level: level, message: message))
        }
        for site in new.sites {
            let id = site.config.id
            guard let prev = before[id] else { continue }
            if site.reachability == .unreachable && prev.reachability != .unreachable {
                log(id, .critical, "agent unreachable: \(site.lastError ?? "no answer")")
            } else if site.reachability == .ok && prev.reachability == .unreachable {
                log(id, .info, "agent reachable again")
            }
            guard let now = site.status, let then = prev.status, site.reachability == .ok else { continue }
            if now.agent.startedAt != then.agent.startedAt { log(id, .warning, "agent restarted") }
            let oldPeers = Dictionary(then.peers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            for peer in now.peers {
                guard let was = oldPeers[peer.name], was.state != peer.state else { continue }
                if was.state.isEstablished {
                    log(id, .warning, "peer \(peer.name) (AS\(peer.asn)) down: \(peer.state.displayName)" + (peer.lastError.map { ", \($0)" } ?? ""))
                } else if peer.state.isEstablished {
                    log(id, .info, "peer \(peer.name) (AS\(peer.asn)) up")
                }
            }
            let oldServices = Dictionary(then.services.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            for svc in now.services {
                guard let was = oldServices[svc.name] else { continue }
                if svc.drain != was.drain {
                    if let d = svc.drain {
                        if d.mode == .auto {
                            log(id, .critical, "\(svc.name) auto-withdrawn: \(d.reason)")
                        } else {
                            log(id, .warning, "\(svc.name) drained by \(d.operator): \(d.reason)")
                        }
                    } else if was.drain != nil {
                        log(id, .info, "\(svc.name) undrained")
                    }
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
}
