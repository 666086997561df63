import AnycastCore
import Foundation

/// One change of some services' desired state, and who asked for it. Every way a site's intent
/// changes (an operator's drain or undrain, the health check withdrawing or re-announcing) is
/// one of these, carried out by the same pipeline (`SiteAgent.carryOut`), so each leaves the
/// same records: the persisted state, an event and audit entry per service, and verification.
struct IntentChange: Sendable {
    enum Requester: Sendable {
        /// An operator, through the API.
        case `operator`(name: String, origin: RequestOrigin)
        /// The health check; `message` says what it saw and what follows.
        case health(message: String)
    }

    var services: [ServiceDefinition]
    var intent: ServiceIntent
    var requester: Requester
    /// Why, as the requester said it; recorded with every event of the change.
    var reason: String?

    /// Who the events name.
    var actor: String {
        switch requester {
        case .operator(let name, _): name
        case .health: "health"
        }
    }

    var verb: String { intent.desired == .drain ? "drain" : "undrain" }

    /// The kind of the event of a service the change reached.
    var appliedKind: EventKind {
        switch requester {
        case .operator: intent.desired == .drain ? .drain : .undrain
        case .health: intent.desired == .drain ? .autoWithdraw : .autoAnnounce
        }
    }

    /// The kind of the event of a change that was not recorded or not applied.
    var failedKind: EventKind {
        switch requester {
        case .operator: intent.desired == .drain ? .drainFailed : .undrainFailed
        case .health: appliedKind
        }
    }

    /// Every service named is one of `known`, and a drain says who drained.
    func validate(against known: [ServiceDefinition]) -> String? {
        if let unknown = services.first(where: { s in !known.contains { $0.name == s.name } }) {
            return "unknown service '\(unknown.name)'"
        }
        if intent.desired == .drain && intent.drain == nil { return "a drain without its record" }
        return nil
    }

    func appliedMessage() -> String {
        switch requester {
        case .operator(let name, let origin): "\(verb) by \(name) (token \(origin.tokenName))\(reason.map { ": \($0)" } ?? "")"
        case .health(let message): message
        }
    }

    func notAppliedMessage(_ error: any Error) -> String {
        switch requester {
        case .operator: "\(verb) recorded but not applied: \(error); it is applied when the routing daemon answers"
        case .health(let message): "\(message) — recorded, not applied: \(error)"
        }
    }

    func notRecordedMessage(_ error: any Error) -> String {
        switch requester {
        case .operator: "\(verb) not recorded: cannot persist desired state: \(error)"
        case .health(let message): "\(message) — not done: cannot persist the desired state: \(error)"
        }
    }

    /// An event of this change, with the requester's token and address when it came over the API.
    func event(_ kind: EventKind, service: String?, message: String, result: String, at time: Date) -> AgentEvent {
        var origin: RequestOrigin?
        if case .operator(_, let o) = requester { origin = o }
        return AgentEvent(seq: 0, time: time, kind: kind, actor: actor, service: service, message: message,
                          token: origin?.tokenName, client: origin?.clientAddress, reason: reason, result: result)
    }
}

/// What became of a change.
enum IntentChangeOutcome: Sendable {
    /// Refused before anything was written.
    case invalid(String)
    /// The desired state could not be persisted, so nothing changed.
    case notRecorded(String)
    /// Persisted; `failures` names each service the routing daemon did not apply it to.
    case recorded(failures: [String])
}
