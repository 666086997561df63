import AnycastCore
import Foundation

/// A drain in words, for the badges and notes: where a staged drain stands, how long its lease
/// has left, who drained and under which ticket.
enum DrainText {
    /// What follows a site's badge: `HELD · 12% left · 1m20s` at the de-prefer step (with
    /// `lease 1h23m` when it has one), `1h23m left` for a drain with a lease, else nothing.
    /// `held` false leaves HELD out, for a view that marks it apart.
    static func details(_ drain: SiteDrain, site: SiteSnapshot, now: Date, held: Bool = true) -> [String] {
        var out: [String] = []
        let lease = drain.record.leaseLeft(at: now).map { NumberFormat.span($0, roundUp: true) }
        if drain.atDeprefer {
            if held && drain.held { out.append("HELD") }
            if let left = drain.trafficLeft(site) { out.append("\(wholePercent(left)) left") }
            out.append(NumberFormat.span(drain.timeInStep(now: now)))
            if let lease { out.append("lease \(lease)") }
        } else if let lease {
            out.append("\(lease) left")
        }
        return out
    }

    /// `by alice: CHG-1`, `by alice`, `by auto`: who drained, and the ticket when there is one.
    static func attribution(_ record: DrainRecord) -> String {
        "by \(record.mode == .auto ? "auto" : record.operator)" + (record.ticket.map { ": \($0)" } ?? "")
    }

    /// `12%`: a share to the whole percent, as a badge has room for.
    static func wholePercent(_ share: Double) -> String {
        guard share.isFinite else { return "-" }
        return "\(Int((min(share, 100) * 100).rounded()))%"
    }

    /// The table's and the event log's note of a drain: `1h23m left · by alice: CHG-1 · reason`
    /// (without details or a ticket, as before: `by alice: reason`).
    static func note(_ drain: SiteDrain, site: SiteSnapshot, now: Date) -> String {
        let (reason, overridden) = DrainCommand.shownReason(drain.record.reason)
        let who = "by \(drain.record.mode == .auto ? "auto" : drain.record.operator)" + (overridden ? " OVERRIDE" : "")
        let head = (details(drain, site: site, now: now) + [who]).joined(separator: " · ")
        return head + ": " + (drain.record.ticket.map { "\($0) · " } ?? "") + reason
    }
}
