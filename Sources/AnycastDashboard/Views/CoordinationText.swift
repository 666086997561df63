import AnycastCore
import Foundation

/// The words for the fleet's coordination store: its health in the header, a site's lock, and
/// the record a site's agent last kept there.
enum CoordinationText {
    /// "etcd 3/3 · leader e1 · 4 ms" and its short form "etcd 3/3", in the role it deserves:
    /// critical without quorum or when the keys cannot be read.
    static func header(_ c: FleetCoordination) -> (long: String, short: String, role: StyleRole) {
        let count = "etcd \(c.membersUp)/\(c.members.count)"
        guard c.hasQuorum else { return ("\(count): no quorum", "\(count) no quorum", .critical) }
        guard c.error == nil || c.readAt != nil else { return ("\(count): keys unreadable", "\(count) unreadable", .critical) }
        var parts = [count]
        if let leader = c.leader { parts.append("leader " + FleetCoordination.label(leader)) } else { parts.append("no leader") }
        if let latency = c.latency { parts.append(NumberFormat.milliseconds(Self.milliseconds(latency)) + " ms") }
        let role: StyleRole = c.leader == nil ? .critical : (c.membersUp < c.members.count ? .warn : .header)
        return (parts.joined(separator: " · "), count, role)
    }

    /// "LOCKED alice: CHG-1, draining since 12:03 UTC".
    static func lock(_ lock: SiteLock) -> String { "LOCKED " + lock.line }

    /// The lock's line in at most `width` columns: the action, then the ticket give way
    /// before the holder and the time.
    static func lock(_ lock: SiteLock, width: Int) -> String {
        let ticket = lock.ticket.map { "\($0) " } ?? ""
        let forms = [Self.lock(lock), "LOCKED \(lock.holder): \(ticket)since \(lock.timeOfDay)", "LOCKED \(lock.holder) since \(lock.timeOfDay)"]
        return forms.first { DisplayWidth.of($0) <= width } ?? DisplayWidth.truncate(forms.last!, to: width)
    }

    /// "etcd record 12s old: dns announced, web withdrawn (drained by alice)".
    static func record(_ r: SiteRecord, now: Date) -> String {
        let services = r.services.map { s in
            var text = "\(s.name) \(s.observed.rawValue)"
            if let d = s.drain { text += " (\(d.mode == .auto ? "auto-withdrawn" : "drained by \(d.operator)"))" }
            if s.held != nil { text += " (withdrawal held)" }
            return text
        }
        return "etcd record \(NumberFormat.age(max(0, now.timeIntervalSince(r.updatedAt)))) old: " + services.joined(separator: ", ")
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
