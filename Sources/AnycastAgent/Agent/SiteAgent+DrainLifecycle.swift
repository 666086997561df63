import AnycastCore
import Foundation

/// What the agent does by itself with drains it holds: a staged drain moves from de-prefer to
/// withdraw once the site's traffic has left (or its step has lasted `stage_timeout`), and a
/// drain whose lease has ended is undrained. Both run at every refresh, dashboard or not, and
/// go through the change pipeline like an operator's change.
extension SiteAgent {
    /// Seconds of readings the de-prefer step's rate is averaged over.
    static let stageRateWindow = 3

    func advanceDrains() async {
        guard stateError == nil else { return }  // what is drained is unknown: touch nothing
        let time = now()
        for def in services {
            guard let intent = intents[def.name], intent.desired == .drain, let record = intent.drain else { continue }
            if record.mode == .operator, let end = record.leaseUntil, end <= time {
                await leaseEnded(def, record: record, at: time)
            } else if record.currentStage == .deprefer, let why = moveOnReason(record, service: def, at: time) {
                var next = record
                next.stage = .withdraw
                next.stageSince = time
                await carryOut(IntentChange(
                    services: [def], intent: ServiceIntent(desired: .drain, drain: next),
                    requester: .stage(message: "withdraw step of \(record.operator)'s drain: \(why)"),
                    reason: record.reason, change: .withdraw))
            }
        }
    }

    /// Why a drain at the de-prefer step moves on now, or nil to wait.
    private func moveOnReason(_ record: DrainRecord, service: ServiceDefinition, at time: Date) -> String? {
        guard let step = service.deprefer else { return "the service has no de-prefer step in the agent's config any more" }
        return withdrawReason(record, service: service, step: step, at: time)
    }

    /// Why a de-preferred service should be withdrawn now, or nil to wait: its rate is under
    /// `withdraw_below` of the rate before the drain, or the step has lasted `stage_timeout`.
    /// A held drain waits for the operator, unless the service fails its health check: a site
    /// that cannot answer should not keep even a backup route.
    func withdrawReason(_ record: DrainRecord, service: ServiceDefinition, step: DepreferStep, at time: Date) -> String? {
        if service.autoWithdraw, let check = healthCheck, check.state == .down {
            return "health check \(check.name) is down (\(check.detail)), so the de-preferred route is withdrawn"
        }
        if record.hold == true { return nil }
        let since = record.stageSince ?? record.since
        let rate = trafficError == nil ? traffic.meanRate(seconds: Self.stageRateWindow) : nil
        if let rate, let baseline = record.baselineQps, baseline > 0, rate <= baseline * step.withdrawBelow,
           time.timeIntervalSince(since) >= Double(Self.stageRateWindow) {
            return "the site's rate is \(Self.rateText(rate)) qps, under \(Self.percent(step.withdrawBelow)) of the \(Self.rateText(baseline)) qps before the drain"
        }
        let timeout = Double(step.stageTimeout.components.seconds)
        if time.timeIntervalSince(since) >= timeout {
            let left = rate.map { r in record.baselineQps.map { b in b > 0 ? " (rate \(Self.rateText(r)) qps, \(Self.percent(r / b)) of the \(Self.rateText(b)) before)" : "" } ?? "" } ?? " (rate unknown)"
            return "the de-prefer step has lasted its stage_timeout of \(ConfigDuration.format(step.stageTimeout))\(left)"
        }
        return nil
    }

    /// The lease of an operator's drain ended: announce again, unless the service's health is
    /// down, in which case it stays withdrawn as the health check's (auto) withdrawal.
    private func leaseEnded(_ def: ServiceDefinition, record: DrainRecord, at time: Date) async {
        let end = record.leaseUntil ?? time
        let whenText = ISO8601Time.format(end)
        let whileDown = end < startedAt ? " while the agent was stopped" : ""
        let ended = "the lease of \(record.operator)'s drain\(record.ticket.map { " (\($0))" } ?? "") ended at \(whenText)\(whileDown)"
        if def.autoWithdraw, let check = healthCheck, check.state == .down {
            let auto = DrainRecord(operator: "health", reason: "health check \(check.name) down: \(check.detail)", since: time, mode: .auto,
                                   stage: .withdraw, stageSince: time, ticket: record.ticket)
            await carryOut(IntentChange(
                services: [def], intent: ServiceIntent(desired: .drain, drain: auto),
                requester: .lease(message: "\(ended); health check \(check.name) is down (\(check.detail)), so \(def.name) is not announced again: it stays withdrawn automatically until the check recovers"),
                reason: record.reason, change: .leaseExpired, ticket: record.ticket))
        } else {
            await carryOut(IntentChange(
                services: [def], intent: .announce,
                requester: .lease(message: "\(ended): \(def.name) announced again"),
                reason: record.reason, change: .leaseExpired, ticket: record.ticket))
        }
    }

    static func rateText(_ qps: Double) -> String {
        qps >= 100 ? String(format: "%.0f", qps) : String(format: "%.1f", qps)
    }

    static func percent(_ share: Double) -> String {
        let p = share * 100
        return p >= 10 || p == p.rounded() ? String(format: "%.0f%%", p) : String(format: "%.1f%%", p)
    }
}
