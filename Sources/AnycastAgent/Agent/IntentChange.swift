import AnycastCore
import Foundation

/// One change of some services' desired state, and who asked for it. Every way a site's intent
/// changes (an operator's drain, undrain or lease extension, a staged drain moving on, a lease
/// ending, the health check withdrawing or re-announcing) is one of these, carried out by the
/// same pipeline (`SiteAgent.carryOut`), so each leaves the same records: the persisted state,
/// an event and audit entry per service, and verification.
struct IntentChange: Sendable {
    enum Requester: Sendable {
        /// An operator, through the API.
        case `operator`(name: String, origin: RequestOrigin)
        /// The health check; `message` says what it saw and what follows.
        case health(message: String)
        /// The agent moving a staged drain on; `message` says why now.
        case stage(message: String)
        /// The agent ending a drain whose lease ended; `message` says when and what follows.
        case lease(message: String)
    }

    var services: [ServiceDefinition]
    var intent: ServiceIntent
    var requester: Requester
    /// Why, as the requester said it; recorded with every event of the change.
    var reason: String?
    /// The step of the drain's life this is, for the events (nil: a plain drain or undrain).
    var change: DrainChange?
    /// The ticket the events carry (an undrain names the ticket of the drain it ends).
    var ticket: String?
    /// Whether the routing daemon is told (a lease extension changes only the record).
    var touchesRoutes = true
    /// What follows, added to the applied event's message (a staged drain's next step).
    var detail: String?
    /// The operator confirmed it although the fleet's budget refuses it or cannot be checked.
    var budgetOverride = false
    /// The site lock the operator holds for it (compared with the lock in the store).
    var lockID: String?

    /// Whether an operator asked (refusals are answered), rather than the agent's own rules
    /// (refusals are held and asked for again).
    var isOperator: Bool {
        if case .operator = requester { return true }
        return false
    }

    /// Who the events name.
    var actor: String {
        switch requester {
        case .operator(let name, _): name
        case .health: "health"
        case .stage: "agent"
        case .lease: "lease"
        }
    }

    var verb: String { intent.desired == .drain ? "drain" : "undrain" }

    /// What the routing daemon is told.
    var step: RouteStep { RouteStep(desired: intent.desired, drain: intent.drain) }

    /// The kind of the event of a service the change reached.
    var appliedKind: EventKind {
        switch requester {
        case .operator, .stage: intent.desired == .drain ? .drain : .undrain
        case .health: intent.desired == .drain ? .autoWithdraw : .autoAnnounce
        case .lease: intent.desired == .drain ? .autoWithdraw : .undrain
        }
    }

    /// The kind of the event of a change that was not recorded or not applied.
    var failedKind: EventKind {
        switch requester {
        case .operator, .stage, .lease: intent.desired == .drain ? .drainFailed : .undrainFailed
        case .health: appliedKind
        }
    }

    /// Every service named is one of `known`, and a drain says who drained.
    func validate(against known: [ServiceDefinition]) -> String? {
        if let unknown = services.first(where: { s in !known.contains { $0.name == s.name } }) {
            return "unknown service '\(unknown.name)'"
        }
        if intent.desired == .drain && intent.drain == nil { return "a drain without its record" }
        if step == .deprefer, let flat = services.first(where: { $0.deprefer == nil }) {
            return "service '\(flat.name)' has no de-prefer step"
        }
        return nil
    }

    func appliedMessage() -> String {
        switch requester {
        case .operator(let name, let origin):
            let what = switch change {
            case .deprefer: "drain (de-prefer step) by \(name)"
            case .withdraw: "withdraw step of the drain, by \(name)"
            case .hold: "drain held at the de-prefer step by \(name)"
            case .leaseExtended: "drain lease extended by \(name)"
            case .leaseExpired, nil: "\(verb) by \(name)"
            }
            return "\(what) (token \(origin.tokenName))\(reason.map { ": \($0)" } ?? "")\(detail.map { "; \($0)" } ?? "")"
        case .health(let message), .stage(let message), .lease(let message):
            return message + (detail.map { "; \($0)" } ?? "")
        }
    }

    func notAppliedMessage(_ error: any Error) -> String {
        switch requester {
        case .operator: "\(verb) recorded but not applied: \(error); it is applied when the routing daemon answers"
        case .health(let message), .stage(let message), .lease(let message): "\(message) — recorded, not applied: \(error)"
        }
    }

    func notRecordedMessage(_ error: any Error) -> String {
        switch requester {
        case .operator: "\(verb) not recorded: cannot persist desired state: \(error)"
        case .health(let message), .stage(let message), .lease(let message): "\(message) — not done: cannot persist the desired state: \(error)"
        }
    }

    /// An event of this change, with the requester's token and address when it came over the API.
    func event(_ kind: EventKind, service: String?, message: String, result: String, at time: Date) -> AgentEvent {
        var origin: RequestOrigin?
        if case .operator(_, let o) = requester { origin = o }
        return AgentEvent(seq: 0, time: time, kind: kind, actor: actor, service: service, message: message,
                          token: origin?.tokenName, client: origin?.clientAddress, reason: reason, result: result,
                          ticket: ticket ?? intent.drain?.ticket, change: change)
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
    /// The fleet's budget refused it (an operator's) or holds it (the agent's own): nothing changed.
    case refusedByBudget(String)
    /// The fleet's budget could not be checked, so nothing changed (fail static).
    case budgetUnknown(String)
    /// Another operator holds the site's lock: its line ("alice: CHG-1, draining since 12:03").
    case locked(String)
}
