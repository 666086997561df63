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

        var failures: [String] = []
        var applied: [ServiceDefinition] = []
        for s in change.services {
            let routes = backends.routes
            do {
                try await withTimeout(backendTimeout, "routing daemon") {
                    try await routes.apply(change.intent.desired, to: s, record: change.intent.drain)
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
        await observeRoutes()
        if !applied.isEmpty, let deadline = verifyDeadline {
            startVerification(of: applied, desired: change.intent.desired, actor: change.actor, deadline: deadline)
        }
        return .recorded(failures: failures)
    }

    private func startVerification(of targets: [ServiceDefinition], desired: DesiredState, actor: String, deadline: Duration) {
        verificationCount &+= 1
        let id = verificationCount
        verifications[id] = Task {
            await self.verify(targets, desired: desired, actor: actor, deadline: deadline)
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

    /// Watches the export tables after a change until no Established peer is sent the prefixes
    /// (or every one is), or the deadline passes: "verified" or "not effective" with what is
    /// still exported (or missing) where.
    func verify(_ targets: [ServiceDefinition], desired: DesiredState, actor: String, deadline: Duration) async {
        let started = clock.now
        let goal: ObservedState = desired == .drain ? .withdrawn : .announced
        let verb = desired == .drain ? "drain" : "undrain"
        var pending = targets
        while !pending.isEmpty {
            if let observation, routeError == nil {
                pending = pending.filter { observation.services[$0.name]?.observed != goal }
            }
            if pending.isEmpty { break }
            if started.duration(to: clock.now) >= deadline {
                for t in pending {
                    let wrong = observation?.services[t.name]?.peers.filter { $0.observed != goal }
                        .map { "\($0.peer) (\($0.observed.rawValue))" } ?? []
                    let detail = wrong.isEmpty ? "the routing daemon did not answer" : "still \(desired == .drain ? "exported to" : "missing at") \(wrong.joined(separator: ", "))"
                    record(AgentEvent(seq: 0, time: now(), kind: .drainNotEffective, actor: actor, service: t.name,
                                      message: "\(verb) not effective after \(deadline.inSeconds) s: \(detail)", result: "not-effective"))
                }
                return
            }
            do { try await clock.sleep(for: Self.verifyPollInterval) } catch { return }  // the agent is stopping
            await observeRoutes()
        }
        let ms = Int(started.duration(to: clock.now).inSeconds * 1000)
        for t in targets {
            record(AgentEvent(seq: 0, time: now(), kind: .drainVerified, actor: actor, service: t.name,
                              message: "\(verb) verified: \(desired == .drain ? "withdrawn from" : "announced to") every Established peer within \(ms) ms",
                              result: "verified"))
        }
    }
}
