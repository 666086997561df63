import AnycastCore
import Foundation

/// The drain (or undrain) dialog: impact preview, budget check, reason, lease, ticket and stage,
/// typed confirmation and, when the budget refuses, a separate override confirmation.
public struct DrainDialog: Sendable, Hashable {
    public enum Step: Sendable, Hashable {
        /// Typing the reason (Tab moves to the lease, ticket and stage, when offered).
        case reason
        /// Typing the confirmation (the site id, or the number of sites for a set).
        case confirm
        /// The budget refused: typing `override` to drain anyway.
        case override
    }

    /// A field of the first step.
    public enum Field: Sendable, Hashable {
        case reason, lease, ticket, stage
    }

    public var kind: DrainCommand.Kind
    public var siteIDs: [String]
    public var service: String?
    public var step: Step = .reason
    /// The field being typed in, during the first step.
    public var field: Field = .reason
    public var reason = ""
    /// The lease as typed (`2h`); blank: none.
    public var lease = ""
    public var ticket = ""
    public var stage: DrainStageChoice = .staged
    /// What the targets' agents accept beyond a reason.
    public var offer: DrainLifecycleOffer = .none
    /// `w`: moves de-preferred sites on to the withdraw at once; the reason is optional.
    public var withdrawNow = false
    public var confirmation = ""
    public var overrideText = ""
    public var verdict: BudgetVerdict
    public var impact: DrainImpact
    /// A problem with what was typed, shown in the dialog.
    public var error: String?

    public init(
        kind: DrainCommand.Kind, siteIDs: [String], service: String?, verdict: BudgetVerdict, impact: DrainImpact,
        offer: DrainLifecycleOffer = .none, withdrawNow: Bool = false
    ) {
        self.kind = kind
        self.siteIDs = siteIDs
        self.service = service
        self.verdict = verdict
        self.impact = impact
        self.offer = offer
        self.withdrawNow = withdrawNow
        if withdrawNow { stage = .now }
    }

    /// What the operator must type to confirm: the site id, or the number of sites.
    public var expectedConfirmation: String { siteIDs.count == 1 ? siteIDs[0] : "\(siteIDs.count)" }

    /// The word that confirms a budget override.
    public static let overrideWord = "override"

    /// The reason sent when `w`'s optional reason is left blank.
    public static let withdrawNowReason = "withdraw now, without waiting for the traffic to leave"

    /// The fields of the first step, in Tab order.
    public var fields: [Field] {
        guard kind == .drain, !withdrawNow, offer.supported else { return [.reason] }
        return [.reason, .lease, .ticket] + (offer.stages.count > 1 ? [.stage] : [])
    }

    /// Whether the reason may be left blank.
    public var reasonOptional: Bool { kind == .undrain || withdrawNow }

    /// Moves to the next (or previous) field of the first step.
    public mutating func moveField(forward: Bool) {
        let all = fields
        let i = all.firstIndex(of: field) ?? 0
        field = all[(i + (forward ? 1 : all.count - 1)) % all.count]
    }

    /// Types `c` into the focused field, within the API's limits; true when it was taken.
    @discardableResult
    public mutating func type(_ c: Character) -> Bool {
        guard !c.isNewline else { return false }
        switch field {
        // Counted in code points, as the agent counts it, so a reason typed here is never refused there.
        case .reason where reason.unicodeScalars.count + c.unicodeScalars.count <= RequestValidationError.maxReasonLength:
            reason.append(c)
        case .lease where lease.count < 16:
            lease.append(c)
        case .ticket where ticket.unicodeScalars.count + c.unicodeScalars.count <= DrainRequest.maxTicketLength:
            ticket.append(c)
        case .stage where c == " ":
            cycleStage(forward: true)
        default:
            return false
        }
        return true
    }

    /// Backspace in the focused field.
    public mutating func deleteBackward() {
        switch field {
        case .reason: if !reason.isEmpty { reason.removeLast() }
        case .lease: if !lease.isEmpty { lease.removeLast() }
        case .ticket: if !ticket.isEmpty { ticket.removeLast() }
        case .stage: break
        }
    }

    /// The next (or previous) way to drain, among those offered.
    public mutating func cycleStage(forward: Bool) {
        let all = offer.stages
        guard !all.isEmpty else { return }
        let i = all.firstIndex(of: stage) ?? 0
        stage = all[(i + (forward ? 1 : all.count - 1)) % all.count]
    }

    /// The lease in seconds as typed (nil: none), or what to show, and the field to go back
    /// to, when it cannot be sent.
    public func leaseSeconds() -> Result<Int?, FieldProblem> {
        let text = lease.trimmingCharacters(in: .whitespaces)
        guard fields.contains(.lease) else { return .success(nil) }
        guard !text.isEmpty else {
            if offer.requireLease {
                return .failure(FieldProblem(field: .lease, message: "this site requires a lease on every drain: type one in the lease field, e.g. 2h (Tab moves there)"))
            }
            return .success(nil)
        }
        guard let seconds = (try? LeaseDuration.seconds(text)) else {
            return .failure(FieldProblem(field: .lease, message: "lease \"\(text)\": \(LeaseDuration.example)"))
        }
        if let max = offer.maxLease, Double(seconds) > max {
            return .failure(FieldProblem(field: .lease, message: "a lease of \(NumberFormat.span(Double(seconds))) is longer than the agent's max_lease of \(NumberFormat.span(max))"))
        }
        return .success(seconds)
    }

    /// The ticket to send: trimmed, nil when blank.
    public var ticketToSend: String? {
        let t = ticket.trimmingCharacters(in: .whitespaces)
        return fields.contains(.ticket) && !t.isEmpty ? t : nil
    }

    /// The stage to send.
    public var stageToSend: DrainStage? {
        withdrawNow ? .withdraw : (fields.contains(.stage) ? stage.requested : nil)
    }

    /// The first thing that keeps the first step from going on to the confirmation.
    public func problem() -> FieldProblem? {
        if !reasonOptional && reason.trimmingCharacters(in: .whitespaces).isEmpty {
            return FieldProblem(field: .reason, message: "a reason is required")
        }
        if case .failure(let p) = leaseSeconds() { return p }
        return nil
    }

    /// What is wrong with a field, and which.
    public struct FieldProblem: Error, Sendable, Hashable {
        public var field: Field
        public var message: String
    }
}
