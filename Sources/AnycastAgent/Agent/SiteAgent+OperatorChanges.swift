import AnycastCore
import Foundation

/// Drains and undrains asked for over the API: the request is checked, then carried out by
/// the change pipeline, and its outcome answered as the API's errors.
extension SiteAgent {
    /// Drains one service (or all): persists the new desired state, then tells the routing
    /// daemon. Draining a drained service changes nothing and answers the existing record.
    public func drain(_ request: DrainRequest, origin: RequestOrigin) async throws(AgentAPIError) -> SiteStatus {
        do { try request.validate() } catch { throw .badRequest(error.description) }
        let targets = try selectServices(request.service)
        let record = DrainRecord(operator: request.operator, reason: request.reason, since: now(), mode: .operator)
        // With the desired state unreadable, what is drained is unknown: the request is applied as asked.
        let changed = stateError != nil ? targets : targets.filter { intents[$0.name]?.desired != .drain || intents[$0.name]?.drain?.mode == .auto }
        if changed.isEmpty { return status() }
        try answer(await carryOut(IntentChange(
            services: changed, intent: ServiceIntent(desired: .drain, drain: record),
            requester: .operator(name: request.operator, origin: origin), reason: request.reason)), verb: "drain")
        return status()
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
            requester: .operator(name: request.operator, origin: origin), reason: request.reason)), verb: "undrain")
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
