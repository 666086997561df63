import AnycastCoordination
import AnycastCore
import Foundation

/// The site's part in the fleet's coordination: its record in the store, kept alive and written
/// when it changes; the budget's verdict on every change that takes services out, committed in
/// one conditional write; withdrawals the budget holds, retried until it allows them; and fail
/// static while the store cannot be reached.
extension SiteAgent {
    /// The services of `change` it would take out of the fleet (announced now, de-preferred or
    /// withdrawn after): only those need a place in the budget. Undrains never do.
    func takenOut(by change: IntentChange) -> [ServiceDefinition] {
        guard coordinationLink != nil, change.touchesRoutes, change.step != .announce else { return [] }
        return change.services.filter { stateError != nil || (intents[$0.name] ?? .announce).desired == .announce }
    }

    /// Asks the budget for `services` to leave, and takes their place in one conditional write
    /// of the site's record, read again and judged again when another site wrote in between.
    func admit(_ change: IntentChange, taking services: [ServiceDefinition]) async -> CoordinationAdmission {
        guard let link = coordinationLink else { return .admitted(note: nil) }
        await takeStoreTurn()
        defer { endStoreTurn() }
        /// The budget cannot be checked: an override goes ahead, saying so; anything else waits.
        func unchecked(_ why: String) -> CoordinationAdmission {
            change.budgetOverride ? .admitted(note: "BUDGET OVERRIDE: the budget could not be checked (\(why))") : .unknown(lostText)
        }
        for _ in 0..<Self.admissionTries {
            let view: CoordinationView
            do {
                view = try await storeCall { try await link.store.read() }
            } catch {
                coordinationLost("\(error)")
                return unchecked("\(error)")
            }
            noteUnreadable(view.unreadable)
            if change.isOperator, let lock = view.locks.first(where: { $0.site == identity.id }), lock.id != change.lockID {
                return .locked(lock.line)
            }
            guard let budget = view.budget else {
                setCoordination(.noBudget, detail: noBudgetText(link))
                return unchecked("no budget is published")
            }
            setCoordination(.ok, detail: nil)
            let verdict = WithdrawalCheck.check(site: identity.id, region: identity.region, services: services.map(\.name),
                                                records: view.records, budget: budget)
            var overridden: String?
            if case .refused(let why) = verdict {
                guard change.budgetOverride else { return .refused(why) }
                overridden = why
            }
            var record = siteRecord()
            let time = now()
            for s in services {
                guard let i = record.services.firstIndex(where: { $0.name == s.name }) else { continue }
                record.services[i].step = change.step
                record.services[i].drain = change.intent.drain
                record.services[i].changingSince = time
                record.services[i].held = nil
            }
            let claim = record
            do {
                let written: Bool
                if overridden != nil {
                    try await storeCall { try await link.store.publish(claim) }
                    written = true
                } else {
                    written = try await storeCall { try await link.store.write(claim, ifUnchangedSince: view) }
                }
                if written {
                    for s in services { coordination.changing[s.name] = time }
                    coordination.published = claim
                    coordination.publishedAt = clock.now
                    return .admitted(note: overridden.map { "BUDGET OVERRIDE: \($0)" })
                }
            } catch {
                // A write that timed out may still be applied: the record is read back at the
                // next round, and the site counts as taken out until then (never the reverse).
                coordinationLost("\(error)")
                return unchecked("\(error)")
            }
        }
        return .unknown("other sites kept writing while the budget was judged (\(Self.admissionTries) tries)")
    }

    static var admissionTries: Int { 5 }

    /// One call to the store, bounded by the store's own deadline and a little more, so its
    /// failover answers first.
    private func storeCall<T: Sendable>(_ call: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withTimeout((coordinationLink?.timeout ?? .seconds(2)) + .milliseconds(500), "coordination store", operation: call)
    }

    /// Records the store holds that cannot be read count as absent (not active); the log says
    /// which, once per change of the set, not at every round.
    private func noteUnreadable(_ keys: [String]) {
        guard keys != coordination.unreadable else { return }
        coordination.unreadable = keys
        if !keys.isEmpty {
            logger.warning("records in the coordination store cannot be read; they count as sites not active",
                           metadata: ["records": "\(keys.joined(separator: "; "))"])
        }
    }

    /// A withdrawal the budget does not allow now: the services stay announced, the status says
    /// why, and the agent asks again at each round until the budget allows it.
    func hold(_ change: IntentChange, services: [ServiceDefinition], because why: String) {
        let time = now()
        for s in services {
            let previous = coordination.held[s.name]
            coordination.held[s.name] = HeldWithdrawal(requester: change.actor, reason: why, since: previous?.since ?? time)
            guard previous?.reason != why else { continue }  // a reason is recorded once, not at every retry
            record(change.event(change.appliedKind, service: s.name,
                                message: "withdrawal held, \(s.name) stays announced: \(why)", result: "held", at: time))
        }
    }

    /// One round of the site's coordination: renew the record's lease, write the record when it
    /// changed (or has not been written for `rewriteEvery`), and ask again for held withdrawals.
    public func coordinate() async {
        guard let link = coordinationLink else { return }
        await takeStoreTurn()
        await renewAndPublish(link)
        endStoreTurn()
        await retryHeld()
    }

    /// Waits until no other call writes the site's record.
    func takeStoreTurn() async {
        guard storeTurn.busy else {
            storeTurn.busy = true
            return
        }
        await withCheckedContinuation { storeTurn.waiting.append($0) }
    }

    /// Hands the turn to the next waiter (it stays taken), or frees it.
    func endStoreTurn() {
        if storeTurn.waiting.isEmpty {
            storeTurn.busy = false
        } else {
            storeTurn.waiting.removeFirst().resume()
        }
    }

    /// The lease renewed, the record written when it changed (as it is now, inside the turn).
    /// At most one call a round waits out its timeout: after a failure the round ends, so a lost
    /// store holds the turn (and a withdrawal waiting for it) no longer than one timeout.
    private func renewAndPublish(_ link: CoordinationLink) async {
        let instant = clock.now
        if coordination.renewedAt.map({ $0.duration(to: instant) >= link.leaseTTL / 3 }) ?? true, coordination.published != nil {
            do {
                let alive = try await storeCall { try await link.store.keepAlive() }
                coordination.renewedAt = instant
                if !alive { coordination.published = nil }  // the record is gone with its lease: write it again
            } catch {
                coordinationLost("\(error)")
                return
            }
        }
        settleChanges()
        let record = siteRecord()
        let stale = coordination.publishedAt.map { $0.duration(to: instant) >= link.rewriteEvery } ?? true
        if stale || !(coordination.published?.sameState(as: record) ?? false) {
            do {
                try await storeCall { try await link.store.publish(record) }
                coordination.published = record
                coordination.publishedAt = instant
                coordination.renewedAt = coordination.renewedAt ?? instant
            } catch {
                coordinationLost("\(error)")
                return
            }
        }
        if coordination.state != .ok { await lookForBudget(link) }
    }

    /// Until the store is known to be reached with a budget, each round reads it, so the status
    /// says "ok" (or "no_budget") as soon as it is true, not at the next withdrawal.
    private func lookForBudget(_ link: CoordinationLink) async {
        do {
            let view = try await storeCall { try await link.store.read() }
            noteUnreadable(view.unreadable)
            if view.budget == nil {
                setCoordination(.noBudget, detail: noBudgetText(link))
            } else {
                setCoordination(.ok, detail: nil)
            }
        } catch {
            coordinationLost("\(error)")
        }
    }

    private func noBudgetText(_ link: CoordinationLink) -> String {
        "no budget is published at \(link.store.budgetLocation): publish one with anycast-dash budget apply"
    }

    /// Ends changes the routing daemon has reached, and held withdrawals nobody wants any more.
    private func settleChanges() {
        for name in coordination.changing.keys {
            guard let def = services.first(where: { $0.name == name }) else { continue }
            let intent = intents[name] ?? .announce
            if let obs = observation?.services[name], routeError == nil, Self.reached(Self.step(of: intent, for: def), obs, service: def) {
                coordination.changing[name] = nil
            }
        }
        for name in coordination.held.keys where (intents[name] ?? .announce).desired != .announce {
            coordination.held[name] = nil
        }
    }

    /// Asks again for withdrawals the health check wants and the budget held; drops them, with
    /// an event, once the health check no longer wants them.
    private func retryHeld() async {
        guard !coordination.held.isEmpty else { return }
        let wanted = healthCheck?.state == .down
        let held = services.filter { coordination.held[$0.name] != nil && $0.autoWithdraw }
        guard wanted else {
            for s in held {
                coordination.held[s.name] = nil
                record(AgentEvent(seq: 0, time: now(), kind: .autoAnnounce, actor: "health", service: s.name,
                                  message: "held withdrawal of \(s.name) dropped: the health check is up again", result: "dropped"))
            }
            return
        }
        await withdrawForHealth(held)
    }

    /// The site's record as the store should hold it now.
    func siteRecord() -> SiteRecord {
        SiteRecord(
            site: identity.id, region: identity.region, agentVersion: version, updatedAt: now(), health: healthCheck?.state,
            services: services.map { def in
                let intent = intents[def.name] ?? .announce
                let obs = routeError == nil ? observation?.services[def.name] : nil
                return ServiceRecord(name: def.name, step: Self.step(of: intent, for: def), observed: obs?.observed ?? .unknown,
                                     drain: intent.drain, changingSince: coordination.changing[def.name], held: coordination.held[def.name])
            })
    }

    /// The status's view of the coordination.
    func coordinationStatus() -> CoordinationStatus? {
        guard let link = coordinationLink else { return nil }
        return CoordinationStatus(state: coordination.state ?? .lost, rule: link.rule.rawValue,
                                  detail: coordination.state == nil ? "not reached yet" : coordination.detail,
                                  since: coordination.since ?? startedAt, endpoints: link.endpoints)
    }

    private func coordinationLost(_ error: String) {
        setCoordination(.lost, detail: "the coordination store cannot be reached: \(error)")
    }

    /// What a withdrawal that cannot be judged is told.
    var lostText: String {
        let rule = coordinationLink?.rule ?? .hold
        let why = coordination.detail ?? "the coordination store cannot be reached"
        return rule == .hold ? "\(why); the site keeps announcing (on_coordination_loss = hold)" : why
    }

    /// Records each change of the coordination's state as one event, not every failed call.
    private func setCoordination(_ state: CoordinationStatus.State, detail: String?) {
        guard coordination.state != state || coordination.detail != detail else { return }
        let before = coordination.state
        coordination.state = state
        coordination.detail = detail
        guard before != state else { return }
        coordination.since = now()
        switch state {
        case .ok:
            record(AgentEvent(seq: 0, time: now(), kind: .backendRecovered, actor: "agent",
                              message: "coordination: the fleet's store is reached\(before == nil ? "" : " again"); withdrawals are judged by the fleet's budget"))
        case .lost, .noBudget:
            let rule = coordinationLink?.rule ?? .hold
            let then = rule == .hold ? "the site keeps announcing, automatic withdrawals are held and drains need a budget override (on_coordination_loss = hold)"
                : "the site decides alone, as without coordination (on_coordination_loss = local)"
            record(AgentEvent(seq: 0, time: now(), kind: .backendError, actor: "agent", message: "coordination: \(detail ?? state.rawValue); \(then)"))
            logger.warning("coordination lost", metadata: ["detail": "\(detail ?? "")", "rule": "\(rule.rawValue)"])
        }
    }
}
