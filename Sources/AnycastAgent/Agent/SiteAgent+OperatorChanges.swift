import AnycastCore
import Foundation

/// Drains and undrains asked for over the API: the request is checked, then carried out by
/// the change pipeline, and its outcome answered as the API's errors.
extension SiteAgent {
    /// Drains one service (or all): persists the new desired state, then tells the routing
    /// daemon. A service with a de-prefer step is de-preferred first and withdrawn once its
    /// traffic has left (or held there, with `stage: deprefer`); `stage: withdraw` withdraws at
    /// once, and moves on a service already de-preferred. Draining a drained service otherwise
    /// changes nothing and answers the existing record.
    public func drain(_ request: DrainRequest, origin: RequestOrigin) async throws(AgentAPIError) -> SiteStatus {
        do { try request.validate() } catch { throw .badRequest(error.description) }
        let targets = try selectServices(request.service)
        if request.stage == .deprefer {
            let flat = targets.filter { $0.deprefer == nil }.map(\.name)
            if !flat.isEmpty {
                throw .badRequest("\(flat.joined(separator: ", ")) \(flat.count == 1 ? "has" : "have") no de-prefer step ([service.deprefer] in the agent config), so it cannot be held there; drain without a stage to withdraw")
            }
        }
        let time = now()
        var fresh: [ServiceDefinition] = []
        var moveOn: [(ServiceDefinition, DrainRecord)] = []
        var holdAt: [(ServiceDefinition, DrainRecord)] = []
        for t in targets {
            // With the desired state unreadable, what is drained is unknown: the request is applied as asked.
            guard stateError == nil, let intent = intents[t.name], intent.desired == .drain, let held = intent.drain,
                  held.mode == .operator else {
                fresh.append(t)
                continue
            }
            guard held.currentStage == .deprefer else { continue }
            if request.stage == .withdraw { moveOn.append((t, held)) }
            if request.stage == .deprefer && held.hold != true { holdAt.append((t, held)) }
        }
        if !fresh.isEmpty { try checkLease(request.lease) }
        let caller = IntentChange.Requester.operator(name: request.operator, origin: origin)

        if !fresh.isEmpty {
            let record = DrainRecord(operator: request.operator, reason: request.reason, since: time, mode: .operator,
                                     stage: .withdraw, stageSince: time,
                                     leaseUntil: request.lease.map { time.addingTimeInterval(Double($0)) }, ticket: request.ticket)
            // Staged only where the service has the step and it is announced now: a service the
            // health check withdrew is never announced again, de-preferred or not.
            let staged = fresh.filter { t in
                t.deprefer != nil && request.stage != .withdraw && stateError == nil && (intents[t.name] ?? .announce).desired == .announce
            }
            let hard = fresh.filter { t in !staged.contains(t) }
            if !staged.isEmpty {
                var first = record
                first.stage = .deprefer
                first.hold = request.stage == .deprefer ? true : nil
                first.baselineQps = trafficError == nil ? traffic.meanRate(seconds: 10) : nil
                try answer(await carryOut(IntentChange(
                    services: staged, intent: ServiceIntent(desired: .drain, drain: first), requester: caller,
                    reason: request.reason, change: .deprefer, detail: Self.nextStep(first, staged[0].deprefer!),
                    budgetOverride: request.budgetOverride == true, lockID: request.lock)), verb: "drain")
            }
            if !hard.isEmpty {
                try answer(await carryOut(IntentChange(
                    services: hard, intent: ServiceIntent(desired: .drain, drain: record), requester: caller,
                    reason: request.reason, budgetOverride: request.budgetOverride == true, lockID: request.lock)), verb: "drain")
            }
        }
        for (t, held) in moveOn {
            var next = held
            next.stage = .withdraw
            next.stageSince = time
            next.hold = nil
            try answer(await carryOut(IntentChange(
                services: [t], intent: ServiceIntent(desired: .drain, drain: next), requester: caller,
                reason: request.reason, change: .withdraw, lockID: request.lock)), verb: "drain")
        }
        for (t, held) in holdAt {
            var next = held
            next.hold = true
            try answer(await carryOut(IntentChange(
                services: [t], intent: ServiceIntent(desired: .drain, drain: next), requester: caller,
                reason: request.reason, change: .hold, touchesRoutes: false)), verb: "drain")
        }
        return status()
    }

    /// Adds `lease` seconds to the lease of each operator drain named (a drain without a lease
    /// gets one ending that long from now). Only the record changes: the routes stay as they are.
    public func extend(_ request: ExtendRequest, origin: RequestOrigin) async throws(AgentAPIError) -> SiteStatus {
        do { try request.validate() } catch { throw .badRequest(error.description) }
        let targets = try selectServices(request.service)
        let drained = targets.compactMap { t -> (ServiceDefinition, DrainRecord)? in
            guard let intent = intents[t.name], intent.desired == .drain, let held = intent.drain, held.mode == .operator else { return nil }
            return (t, held)
        }
        guard !drained.isEmpty else {
            throw .conflict("nothing to extend: \(targets.map(\.name).joined(separator: ", ")) \(targets.count == 1 ? "is" : "are") not drained by an operator")
        }
        let time = now()
        let extended = drained.map { t, held -> (ServiceDefinition, DrainRecord) in
            var next = held
            let from = max(held.leaseUntil ?? time, time)
            next.leaseUntil = from.addingTimeInterval(Double(request.lease))
            return (t, next)
        }
        if let max = policy.maxLease, let longest = extended.compactMap({ $0.1.leaseUntil }).max(),
           longest.timeIntervalSince(time) > max.inSeconds {
            throw .badRequest("the lease would end in \(ConfigDuration.format(.seconds(Int64(longest.timeIntervalSince(time).rounded())))), longer than this site's max_lease of \(ConfigDuration.format(max))")
        }
        for (t, next) in extended {
            let end = ISO8601Time.format(next.leaseUntil ?? time)
            try answer(await carryOut(IntentChange(
                services: [t], intent: ServiceIntent(desired: .drain, drain: next),
                requester: .operator(name: request.operator, origin: origin),
                reason: request.reason.map { "\($0); lease now ends at \(end)" } ?? "lease now ends at \(end)",
                change: .leaseExtended, touchesRoutes: false)), verb: "extend")
        }
        return status()
    }

    /// What a staged drain waits for, in words, for its first event.
    static func nextStep(_ record: DrainRecord, _ step: DepreferStep) -> String {
        if record.hold == true { return "held at the de-prefer step until told to withdraw" }
        let timeout = ConfigDuration.format(step.stageTimeout)
        guard let baseline = record.baselineQps, baseline > 0 else {
            return "withdraws after stage_timeout \(timeout) (the site's rate before the drain is unknown)"
        }
        return "withdraws once the site's rate is under \(percent(step.withdrawBelow)) of \(rateText(baseline)) qps, or after stage_timeout \(timeout)"
    }

    /// The site's `[policy]` on a new drain's lease: refused (400) when missing and required,
    /// or longer than `max_lease`.
    private func checkLease(_ seconds: Int?) throws(AgentAPIError) {
        if seconds == nil && policy.requireLease {
            throw .badRequest("this site requires a lease on every drain (policy require_lease): give \"lease\": SECONDS in the request, --for 2h to anycast-dash drain, or a lease in the drain dialog")
        }
        if let seconds, let max = policy.maxLease, Double(seconds) > max.inSeconds {
            throw .badRequest("a lease of \(ConfigDuration.format(.seconds(seconds))) is longer than this site's max_lease of \(ConfigDuration.format(max))")
        }
    }

    /// Puts one service (or all) back into service.
    public func undrain(_ request: UndrainRequest, origin: RequestOrigin) async throws(AgentAPIError) -> SiteStatus {
        do { try request.validate() } catch { throw .badRequest(error.description) }
        let targets = try selectServices(request.service)
        let changed = stateError != nil ? targets : targets.filter { (intents[$0.name] ?? .announce).desired != .announce }
        if changed.isEmpty { return status() }
        if request.force != true, let check = healthCheck, check.state == .down,
           let held = changed.first(where: { intents[$0.name]?.drain?.mode == .auto }) {
            record(AgentEvent(seq: 0, time: now(), kind: .undrainFailed, actor: request.operator, service: held.name,
                              message: "undrain refused: \(held.name) is withdrawn because health check \(check.name) is down (\(check.detail))",
                              token: origin.tokenName, client: origin.clientAddress, reason: request.reason, result: "refused"))
            throw .conflict("\(held.name) is withdrawn automatically because health check \(check.name) is down (\(check.detail)); "
                            + "it comes back by itself when the check recovers, or undrain with \"force\": true to announce it anyway")
        }
        try answer(await carryOut(IntentChange(
            services: changed, intent: .announce,
            requester: .operator(name: request.operator, origin: origin), reason: request.reason,
            ticket: changed.lazy.compactMap { self.intents[$0.name]?.drain?.ticket }.first)), verb: "undrain")
        return status()
    }

    private func answer(_ outcome: IntentChangeOutcome, verb: String) throws(AgentAPIError) {
        switch outcome {
        case .invalid(let problem):
            throw .badRequest(problem)
        case .notRecorded(let error):
            throw .internal("cannot persist the desired state: \(error)")
        case .recorded(let failures) where !failures.isEmpty:
            throw .unavailable("\(verb) recorded, but the routing daemon did not apply it: \(failures.joined(separator: "; "))")
        case .recorded:
            return
        case .refusedByBudget(let why):
            throw .budgetRefused("\(verb) refused by the fleet's budget: \(why). Ask whoever holds the budget, or override it (budget_override: true; anycast-dash drain --override-budget)")
        case .locked(let line):
            throw .siteLocked("\(verb) refused: the site is locked by \(line). Wait for that change to end, or ask them")
        case .budgetUnknown(let why):
            throw .coordinationUnavailable("\(verb) refused: the fleet's budget cannot be checked: \(why). Override it only if you know the fleet can spare the site (budget_override: true; anycast-dash drain --override-budget)")
        }
    }

    private func selectServices(_ name: String?) throws(AgentAPIError) -> [ServiceDefinition] {
        guard let name else { return services }
        guard let def = services.first(where: { $0.name == name }) else {
            throw .notFound("unknown service '\(name)'; this site has: \(services.map(\.name).joined(separator: ", "))")
        }
        return [def]
    }
}
