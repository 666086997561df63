import AnycastCore
import AnycastDashboard
import Foundation

/// The lines a drain's preview adds about its life before it is confirmed: staged or at once,
/// held at the de-prefer step, the lease and the ticket, and the site's lease policy.
public enum DrainPlanText {
    /// The preview lines of `request` at a site whose agent said `status`, indented under the
    /// preview's first line.
    public static func lines(_ request: DrainRequest, status: SiteStatus) -> [String] {
        var out: [String] = []
        let targets = status.services.filter { request.service == nil || $0.name == request.service }
        let label = { (s: ServiceStatus) in targets.count > 1 ? "\(s.name): " : "" }
        for s in targets {
            guard s.desired == .announce else {
                if let record = s.drain {
                    let step = record.currentStage == .deprefer ? "at the de-prefer step" : "withdrawn"
                    let moving = record.currentStage == .deprefer && request.stage == .withdraw ? "; --now moves it on to withdraw" : ""
                    out.append("  \(label(s))already drained by \(record.operator) (\(step))\(moving)")
                }
                continue
            }
            guard let step = s.deprefer else { continue }
            switch request.stage {
            case .withdraw?:
                out.append("  \(label(s))withdraw at once, without the de-prefer step")
            case .deprefer?:
                out.append("  \(label(s))de-prefer (\(RunbookText.attributes(step))) and hold there until told to withdraw")
            case nil:
                out.append("  \(label(s))staged: de-prefer (\(RunbookText.attributes(step))), then withdraw once the traffic is under "
                           + "\(RunbookText.percent(step.withdrawBelow)) of the rate before the drain, or after \(RunbookText.stageTimeout(step))")
            }
        }
        if let lease = request.lease {
            out.append("  lease \(NumberFormat.span(Double(lease), roundUp: true)): the agent undrains by itself at "
                       + ISO8601Time.format(status.agent.now.addingTimeInterval(Double(lease))))
        }
        if let ticket = request.ticket { out.append("  ticket \(ticket)") }
        if status.agent.requireLease == true && request.lease == nil {
            out.append("  this site requires a lease on every drain: give --for DURATION (e.g. --for 2h)")
        }
        if let max = status.agent.maxLease, let lease = request.lease, Double(lease) > max {
            out.append("  the lease is longer than this site's max_lease of \(NumberFormat.span(max, roundUp: true)): the agent will refuse it")
        }
        return out
    }
}
