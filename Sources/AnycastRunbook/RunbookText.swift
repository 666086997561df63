import AnycastCore
import AnycastDashboard
import Foundation

/// The words and numbers the runbook commands print: rates, shares, de-prefer attributes and
/// lease ends, the same way on every line.
public enum RunbookText {
    /// `1510`, `55`, `4.2`: a rate in queries per second.
    static func rate(_ qps: Double) -> String {
        NumberFormat.fixed(qps, decimals: qps >= 100 ? 0 : 1)
    }

    /// `34%`, `4.2%`: a share.
    static func percent(_ share: Double) -> String {
        let p = share * 100
        return p >= 10 || p == p.rounded() ? NumberFormat.fixed(p, decimals: 0) + "%" : NumberFormat.fixed(p, decimals: 1) + "%"
    }

    /// "AS path prepended 3 times, community 65535:0", as the agent words a de-prefer step.
    static func attributes(_ step: DepreferSummary) -> String {
        DepreferStep(originProtocols: [], prepend: step.prepend, med: step.med, gracefulShutdown: step.gracefulShutdown).attributesText
    }

    /// "1m": a de-prefer step's `stage_timeout`.
    static func stageTimeout(_ step: DepreferSummary) -> String {
        ConfigDuration.format(.milliseconds(Int64((step.stageTimeout * 1000).rounded())))
    }

    /// "lease until 2026-11-27T18:40:00.000Z (2h from now)": when a drain ends by itself, with
    /// the time left on the agent's clock.
    public static func leaseEnd(_ until: Date, agentNow: Date) -> String {
        "lease until \(ISO8601Time.format(until)) (\(NumberFormat.span(until.timeIntervalSince(agentNow), roundUp: true)) from now)"
    }
}
