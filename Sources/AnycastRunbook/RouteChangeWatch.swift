import AnycastCore
import AnycastDashboard
import Foundation

/// Follows a drain or an undrain of one site through the agent's answers and says each step
/// as it is seen: a staged drain's de-prefer verified at every peer, its traffic leaving, the
/// agent moving it on and the withdrawal verified; or an undrain announced normally again.
///
/// Pure and clock-free: the caller polls the agent and hands over each status (with the
/// agent's new events) and the time since the command began; the watch answers the lines to
/// print, and its verdict says whether it is done or has waited too long, and for what.
public struct RouteChangeWatch: Sendable {
    public enum Kind: Sendable { case drain, undrain }

    public enum Verdict: Sendable, Equatable {
        case waiting
        case done
        /// A step did not come within its time (or the drain was undone); the text says which.
        case failed(String)
    }

    /// What one service waits for next.
    enum Phase: Sendable, Equatable {
        /// Its de-prefer to be seen at every peer; `since`: when this wait began.
        case deprefer(since: Duration)
        /// The agent to move it on to withdraw; `lastLine`: when its traffic was last told.
        case stage(lastLine: Duration)
        /// Its withdrawal to be seen at every peer; `untold`: it moved on from de-prefer and
        /// why has not been said yet.
        case withdraw(since: Duration, untold: Bool)
        /// Announced normally (no de-prefer attributes) at every peer.
        case announce(since: Duration)
        case held, withdrawn, announced

        var ended: Bool { self == .held || self == .withdrawn || self == .announced }
    }

    struct Tracked: Sendable {
        var name: String
        var phase: Phase
        var holdAtDeprefer: Bool
        var deprefer: DepreferSummary?
        /// Why the agent (or an operator) moved it on to withdraw, from the agent's events.
        var movedOnBecause: String?
    }

    /// How often a line about the traffic is printed while a staged drain is at de-prefer.
    public static let trafficLineInterval: Duration = .seconds(2)

    public let site: String
    public let kind: Kind
    /// The longest wait for the routes to show one step (`--wait`).
    let wait: Duration
    /// When the request was sent (the watch's times are since the command began).
    let start: Duration
    var services: [Tracked]
    public private(set) var verdict: Verdict = .waiting

    /// A watch of the services `service` names (nil: every service of the site) from the
    /// agent's answer to the request, sent at `start`. `holdAtDeprefer`: the drain asked to
    /// stop at the de-prefer step.
    public init(kind: Kind, site: String, service: String?, holdAtDeprefer: Bool, accepted: SiteStatus, start: Duration, wait: Duration) {
        self.site = site
        self.kind = kind
        self.wait = wait
        self.start = start
        services = accepted.services.filter { service == nil || $0.name == service }.map { s in
            let phase: Phase = switch kind {
            case .undrain: .announce(since: start)
            case .drain: s.desired == .drain && s.drain?.currentStage == .deprefer ? .deprefer(since: start) : .withdraw(since: start, untold: false)
            }
            return Tracked(name: s.name, phase: phase, holdAtDeprefer: holdAtDeprefer || s.drain?.hold == true, deprefer: s.deprefer)
        }
        if services.isEmpty { verdict = .failed("\(site): the agent's answer has no service \(service ?? "at all")") }
    }

    /// What the drain will do, from the agent's answer: the staged steps, the lease, the ticket.
    public func opening(_ accepted: SiteStatus) -> [String] {
        guard kind == .drain else { return [] }
        var lines: [String] = []
        for t in services {
            guard let s = accepted.services.first(where: { $0.name == t.name }), let record = s.drain else { continue }
            if case .deprefer = t.phase, let step = t.deprefer {
                let attributes = RunbookText.attributes(step)
                if t.holdAtDeprefer {
                    lines.append("\(label(t)) drain held at the de-prefer step: still announced, with \(attributes), until told to withdraw")
                } else if let baseline = record.baselineQps, baseline > 0 {
                    lines.append("\(label(t)) staged drain: de-prefer (\(attributes)), then withdraw once the traffic is under "
                                 + "\(RunbookText.percent(step.withdrawBelow)) of the \(RunbookText.rate(baseline)) qps before the drain, "
                                 + "or after \(RunbookText.stageTimeout(step))")
                } else {
                    lines.append("\(label(t)) staged drain: de-prefer (\(attributes)), then withdraw after \(RunbookText.stageTimeout(step)) "
                                 + "(the rate before the drain is not known)")
                }
            }
            var terms: [String] = []
            if let until = record.leaseUntil { terms.append(RunbookText.leaseEnd(until, agentNow: accepted.agent.now) + ": the agent undrains by itself then") }
            if let ticket = record.ticket { terms.append("ticket \(ticket)") }
            if !terms.isEmpty { lines.append("\(label(t)) " + terms.joined(separator: "; ")) }
        }
        return lines
    }

    /// Takes one status of the site (and the agent's events since the last call), seen at `now`
    /// since the command began; answers the lines to print.
    public mutating func observe(_ status: SiteStatus, events: [AgentEvent] = [], at now: Duration) -> [String] {
        guard verdict == .waiting else { return [] }
        for e in events where e.kind == .drain && e.change == .withdraw {
            if let i = services.firstIndex(where: { $0.name == e.service }) { services[i].movedOnBecause = e.message }
        }
        var lines: [String] = []
        for i in services.indices {
            guard let s = status.services.first(where: { $0.name == services[i].name }) else { continue }
            // A status can show more than one step done (a poll that came late): take them all.
            for _ in 0..<4 {
                let before = services[i].phase
                if let failure = advance(&services[i], s, status: status, at: now, lines: &lines) {
                    verdict = .failed(failure)
                    return lines
                }
                if services[i].phase == before { break }
            }
        }
        if let late = overdue(at: now, lastError: nil) {
            verdict = .failed(late)
            return lines
        }
        if services.allSatisfy(\.phase.ended) {
            verdict = .done
            lines.append(closing(status, at: now))
        }
        return lines
    }

    /// The verdict when no status came (the agent did not answer at `now`): a step waited for
    /// longer than its time has failed, with the agent's error.
    public mutating func noAnswer(at now: Duration, error: String) {
        guard verdict == .waiting, let late = overdue(at: now, lastError: error) else { return }
        verdict = .failed(late)
    }

    // MARK: - One service's steps

    /// Moves one service on as far as `s` shows; answers a failure, if the drain was undone.
    private func advance(_ t: inout Tracked, _ s: ServiceStatus, status: SiteStatus, at now: Duration, lines: inout [String]) -> String? {
        let after = NumberFormat.duration(seconds: (now - start).inSeconds, decimals: 1)
        switch t.phase {
        case .deprefer:
            guard s.desired == .drain, let record = s.drain else { return undone(t) }
            if record.currentStage == .withdraw {
                t.phase = .withdraw(since: now, untold: true)
            } else if Self.depreferredEverywhere(s) {
                lines.append("\(label(t)) de-preferred (\(t.deprefer.map(RunbookText.attributes) ?? "the de-prefer attributes")), verified at every peer after \(after)")
                if t.holdAtDeprefer || record.hold == true {
                    t.phase = .held
                } else {
                    lines.append(trafficLine(t, record: record, status: status))
                    t.phase = .stage(lastLine: now)
                }
            }
        case .stage(let lastLine):
            guard s.desired == .drain, let record = s.drain else { return undone(t) }
            if record.currentStage == .withdraw {
                t.phase = .withdraw(since: now, untold: true)
            } else if record.hold == true {
                return "\(label(t)) \(t.name) is held at the de-prefer step now (a drain with --stage deprefer asked for it): "
                    + "'anycast-dash drain \(site) --now' withdraws it"
            } else if now - lastLine >= Self.trafficLineInterval {
                lines.append(trafficLine(t, record: record, status: status))
                t.phase = .stage(lastLine: now)
            }
        case .withdraw(let since, let untold):
            if untold, let why = t.movedOnBecause {
                lines.append("\(label(t)) moving on to withdraw: \(why)")
                t.phase = .withdraw(since: since, untold: false)
            }
            guard s.desired == .drain else { return undone(t) }
            if s.observed == .withdrawn {
                if case .withdraw(_, true) = t.phase { lines.append("\(label(t)) moved on to withdraw") }
                if services.count > 1 { lines.append("\(label(t)) withdrawn from every peer after \(after)") }
                t.phase = .withdrawn
            }
        case .announce:
            if Self.announcedNormally(s) {
                if services.count > 1 { lines.append("\(label(t)) announced to every peer after \(after)") }
                t.phase = .announced
            }
        case .held, .withdrawn, .announced:
            break
        }
        return nil
    }

    /// What a step waited for longer than its time, if one did: the de-prefer, the withdrawal
    /// or the announcement (`--wait` each), or the agent moving a staged drain on (its
    /// `stage_timeout` from the drain, plus `--wait`).
    private func overdue(at now: Duration, lastError: String?) -> String? {
        let verb = kind == .drain ? "drain" : "undrain"
        let within = NumberFormat.duration(seconds: wait.inSeconds)
        let answer = lastError.map { "; the agent's last answer: \($0)" } ?? ""
        for t in services {
            switch t.phase {
            case .deprefer(let since) where now - since > wait:
                let attributes = t.deprefer.map { " (\(RunbookText.attributes($0)))" } ?? ""
                return "\(site): the agent accepted the \(verb), but the routes did not change within \(within): "
                    + "waited for \(t.name) to be de-preferred\(attributes) at every peer\(answer)"
            case .withdraw(let since, _) where now - since > wait:
                return "\(site): the agent accepted the \(verb), but the routes did not change within \(within): "
                    + "waited for \(t.name) to be withdrawn from every peer\(answer)"
            case .announce(let since) where now - since > wait:
                return "\(site): the agent accepted the \(verb), but the routes did not change within \(within): "
                    + "waited for \(t.name) to be announced normally at every peer\(answer)"
            case .stage:
                let timeout = t.deprefer.map { Duration.milliseconds(Int64(($0.stageTimeout * 1000).rounded())) } ?? .zero
                guard now - start > timeout + wait else { continue }
                let rule = t.deprefer.map { "the traffic under \(RunbookText.percent($0.withdrawBelow)) of the rate before the drain, or its stage_timeout of \(RunbookText.stageTimeout($0))" } ?? "its stage_timeout"
                return "\(site): \(t.name) is still de-preferred after \(NumberFormat.duration(seconds: (now - start).inSeconds, decimals: 1)): "
                    + "waited for the agent to withdraw it (\(rule)), plus \(within)\(answer)"
            default:
                continue
            }
        }
        return nil
    }

    private func closing(_ status: SiteStatus, at now: Duration) -> String {
        let after = NumberFormat.duration(seconds: (now - start).inSeconds, decimals: 1)
        let badge = SiteCondition.of(status: status, reachability: .ok).badge
        if kind == .undrain { return "\(site): announced to every peer after \(after); status \(badge)" }
        if services.contains(where: { $0.phase == .held }) {
            return "\(site): held at the de-prefer step after \(after): 'anycast-dash drain \(site) --now' withdraws it, "
                + "'anycast-dash undrain \(site)' announces it normally again"
        }
        return "\(site): withdrawn from every peer after \(after); status \(badge)"
    }

    private func trafficLine(_ t: Tracked, record: DrainRecord, status: SiteStatus) -> String {
        var line = "\(label(t)) traffic "
        let qps = status.traffic.qps
        if let qps, let baseline = record.baselineQps, baseline > 0 {
            line += "\(RunbookText.percent(qps / baseline)) of the \(RunbookText.rate(baseline)) qps before the drain (\(RunbookText.rate(qps)) qps now)"
        } else {
            line += qps.map { "\(RunbookText.rate($0)) qps" } ?? "unknown"
        }
        guard let step = t.deprefer else { return line }
        let inStage = status.agent.now.timeIntervalSince(record.stageSince ?? record.since)
        let left = NumberFormat.span(max(0, step.stageTimeout - inStage), roundUp: true)
        if record.baselineQps ?? 0 > 0 {
            line += "; withdraws under \(RunbookText.percent(step.withdrawBelow)), or in \(left) at the latest"
        } else {
            line += "; withdraws in \(left)"
        }
        return line
    }

    private func undone(_ t: Tracked) -> String {
        "\(site): \(t.name) was undrained while the drain was under way"
    }

    private func label(_ t: Tracked) -> String {
        services.count > 1 ? "\(site) \(t.name):" : "\(site):"
    }

    /// Announced with the de-prefer attributes at every Established peer (a daemon that cannot
    /// tell the attributes apart is judged on the announcement, as the agent's check does).
    static func depreferredEverywhere(_ s: ServiceStatus) -> Bool {
        s.observed == .announced && s.depreferred != false && s.peers.allSatisfy { $0.observed == .announced && $0.depreferred != false }
    }

    /// Wanted announced, and announced without the de-prefer attributes at every peer.
    static func announcedNormally(_ s: ServiceStatus) -> Bool {
        s.desired == .announce && s.observed == .announced && s.depreferred != true && s.peers.allSatisfy { $0.depreferred != true }
    }
}
