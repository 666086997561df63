import AnycastCore
import Foundation

/// The one way a site's desired state changes: validate, persist (rolled back if that fails),
/// apply per service, record the events and audit entries, schedule verification.
extension SiteAgent {
    /// Polls the export tables this often while a change is being verified.
    package static let verifyPollInterval: Duration = .milliseconds(200)

    @discardableResult
    func carryOut(_ change: IntentChange) async -> IntentChangeOutcome {
        if let problem = change.validate(against: services) { return .invalid(problem) }
        guard !change.services.isEmpty else { return .recorded(failures: []) }
        defer { streams.notify() }
        var change = change

        // With coordination, what leaves the fleet first takes its place in the fleet's budget.
        let leaving = takenOut(by: change)
        if !leaving.isEmpty {
            switch await admit(change, taking: leaving) {
            case .admitted(let note):
                if let note { change.detail = [change.detail, note].compactMap { $0 }.joined(separator: "; ") }
            case .refused(let why):
                return refuse(change, leaving, why, outcome: .refusedByBudget(why))
            case .locked(let line):
                // Only operators' changes are compared with the lock, so nothing is held here.
                for s in leaving {
                    record(change.event(change.failedKind, service: s.name, message: "\(change.verb) refused: the site is locked by \(line)",
                                        result: "refused", at: now()))
                }
                return .locked(line)
            case .unknown(let why):
                if change.isOperator || coordinationLink?.rule != .local {
                    return refuse(change, leaving, why, outcome: .budgetUnknown(why))
                }
                change.detail = [change.detail, "the fleet's budget could not be checked (\(why)): decided alone (on_coordination_loss = local)"]
                    .compactMap { $0 }.joined(separator: "; ")
            }
        }

        // The desired state is durable before any route changes, so a crash can never forget a change.
        let previous = intents
        for s in change.services { intents[s.name] = change.intent }
        do {
            try await backends.store.save(intents)
        } catch {
            intents = previous
            record(change.event(change.failedKind, service: nil, message: change.notRecordedMessage(error),
                                result: "not-recorded", at: now()))
            return .notRecorded("\(error)")
        }
        stateError = nil  // a whole desired state has been written again

        guard change.touchesRoutes else {
            for s in change.services {
                record(change.event(change.appliedKind, service: s.name, message: change.appliedMessage(), result: "applied", at: now()))
            }
            return .recorded(failures: [])
        }
        var failures: [String] = []
        var applied: [ServiceDefinition] = []
        let step = change.step
        for s in change.services { applying[s.name, default: 0] += 1 }
        defer {
            for s in change.services {
                let left = (applying[s.name] ?? 1) - 1
                applying[s.name] = left > 0 ? left : nil
            }
        }
        let drainRecord = change.intent.drain
        for s in change.services {
            let routes = backends.routes
            do {
                try await withTimeout(backendTimeout, "routing daemon") {
                    try await routes.apply(step, to: s, record: drainRecord)
                }
                record(change.event(change.appliedKind, service: s.name, message: change.appliedMessage(),
                                    result: "applied", at: now()))
                applied.append(s)
            } catch {
                failures.append("\(s.name): \(error)")
                record(change.event(change.failedKind, service: s.name, message: change.notAppliedMessage(error),
                                    result: "recorded-not-applied", at: now()))
            }
        }
        if coordinationLink != nil {
            let time = now()
            for s in applied { coordination.changing[s.name] = coordination.changing[s.name] ?? time }
        }
        await observeRoutes()
        if !applied.isEmpty, let deadline = verifyDeadline {
            startVerification(of: applied, step: step, change: change.change, actor: change.actor, deadline: deadline)
        }
        return .recorded(failures: failures)
    }

    /// Nothing changes: an operator's refusal is recorded and answered; the agent's own
    /// withdrawal is held and asked for again at each coordination round.
    private func refuse(_ change: IntentChange, _ leaving: [ServiceDefinition], _ why: String, outcome: IntentChangeOutcome) -> IntentChangeOutcome {
        if change.isOperator {
            for s in leaving {
                record(change.event(change.failedKind, service: s.name, message: "\(change.verb) refused by the fleet's budget: \(why)",
                                    result: "refused", at: now()))
            }
        } else {
            hold(change, services: leaving, because: why)
        }
        return outcome
    }

    private func startVerification(of targets: [ServiceDefinition], step: RouteStep, change: DrainChange?, actor: String, deadline: Duration) {
        verificationCount &+= 1
        let id = verificationCount
        verifications[id] = Task {
            await self.verify(targets, step: step, change: change, actor: actor, deadline: deadline)
            self.verificationEnded(id)
        }
    }

    private func verificationEnded(_ id: Int) {
        verifications[id] = nil
    }

    /// Returns when every verification started so far has ended (for tests, which move the clock).
    package func verificationsEnded() async {
        while let (id, task) = verifications.first {
            await task.value
            verifications[id] = nil
        }
    }

    /// Watches the export tables after a change until every Established peer is sent what the
    /// step asks for (the prefixes, the prefixes with the de-prefer attributes, or nothing), or
    /// the deadline passes: "verified" or "not effective" with what is still wrong where.
    func verify(_ targets: [ServiceDefinition], step: RouteStep, change: DrainChange? = nil, actor: String, deadline: Duration) async {
        let started = clock.now
        var pending = targets
        while !pending.isEmpty {
            if let observation, routeError == nil {
                pending = pending.filter { t in observation.services[t.name].map { !Self.reached(step, $0, service: t) } ?? true }
            }
            if pending.isEmpty { break }
            if started.duration(to: clock.now) >= deadline {
                for t in pending {
                    let wrong = observation?.services[t.name]?.peers.filter { !Self.reached(step, $0, service: t) }
                        .map { "\($0.peer) (\(Self.describe($0)))" } ?? []
                    let detail = wrong.isEmpty ? "the routing daemon did not answer" : "\(Self.shortfall(step)) \(wrong.joined(separator: ", "))"
                    record(AgentEvent(seq: 0, time: now(), kind: .drainNotEffective, actor: actor, service: t.name,
                                      message: "\(Self.stepName(step)) not effective after \(deadline.inSeconds) s: \(detail)", result: "not-effective",
                                      ticket: intents[t.name]?.drain?.ticket, change: change))
                }
                return
            }
            do { try await clock.sleep(for: Self.verifyPollInterval) } catch { return }  // the agent is stopping
            await observeRoutes()
        }
        let ms = Int(started.duration(to: clock.now).inSeconds * 1000)
        for t in targets {
            let what = switch step {
            case .announce: "announced to"
            case .deprefer: "announced with \(t.deprefer?.attributesText ?? "the de-prefer attributes") to"
            case .withdraw: "withdrawn from"
            }
            record(AgentEvent(seq: 0, time: now(), kind: .drainVerified, actor: actor, service: t.name,
                              message: "\(Self.stepName(step)) verified: \(what) every Established peer within \(ms) ms",
                              result: "verified", ticket: intents[t.name]?.drain?.ticket, change: change))
        }
    }

    /// Whether one peer is sent what `step` asks for. A daemon that cannot tell the attributes
    /// apart (nil) is judged on the announcement alone.
    static func reached(_ step: RouteStep, _ peer: PeerAnnouncement, service: ServiceDefinition) -> Bool {
        switch step {
        case .withdraw: peer.observed == .withdrawn
        case .announce: peer.observed == .announced && peer.depreferred != true
        case .deprefer: peer.observed == .announced && peer.depreferred != false
        }
    }

    /// Whether a service is where `step` asks, at every peer.
    static func reached(_ step: RouteStep, _ observation: ServiceObservation, service: ServiceDefinition) -> Bool {
        switch step {
        case .withdraw: observation.observed == .withdrawn
        case .announce, .deprefer: observation.observed == .announced && observation.peers.allSatisfy { reached(step, $0, service: service) }
        }
    }

    static func stepName(_ step: RouteStep) -> String {
        switch step {
        case .announce: "undrain"
        case .deprefer: "de-prefer"
        case .withdraw: "drain"
        }
    }

    private static func shortfall(_ step: RouteStep) -> String {
        switch step {
        case .withdraw: "still exported to"
        case .announce: "not announced normally to"
        case .deprefer: "not announced de-preferred to"
        }
    }

    private static func describe(_ peer: PeerAnnouncement) -> String {
        switch peer.depreferred {
        case true?: "\(peer.observed.rawValue), de-preferred"
        case false?: "\(peer.observed.rawValue), without the de-prefer attributes"
        case nil: peer.observed.rawValue
        }
    }
}
