import AnycastCore
import Foundation

/// The keys of a drain's later life: `w` withdraws a de-preferred site at once, `e` extends
/// a drain's lease.
extension DashboardUpdate {
    /// `w`: the drain dialog, reduced to an optional reason and the typed confirmation, for the
    /// targets at the de-prefer step.
    static func openWithdrawNow(_ state: inout DashboardState) {
        guard let (fleet, targets, service) = actionTargets(&state, verb: "withdraw") else { return }
        let byID = Dictionary(uniqueKeysWithValues: fleet.sites.map { ($0.config.id, $0) })
        let depreferred = targets.filter { id in byID[id].map { SiteDrain.isDepreferred($0, service: service) } ?? false }
        guard !depreferred.isEmpty else {
            let what = targets.count == 1 ? targets[0] : "none of the \(targets.count) sites"
            setStatus(&state, "\(what) is not at the de-prefer step: w withdraws a de-preferred site now (d drains)", .info)
            return
        }
        let (verdict, impact) = DrainPlanner.assess(fleet, kind: .drain, targets: depreferred, budget: state.budget)
        state.dialog = DrainDialog(kind: .drain, siteIDs: depreferred, service: service, verdict: verdict, impact: impact, withdrawNow: true)
    }

    /// `e`: the lease dialog for the targets drained by an operator, when their agents keep leases.
    static func openLeaseDialog(_ state: inout DashboardState) {
        guard let (fleet, targets, service) = actionTargets(&state, verb: "extend") else { return }
        let sites = targets.compactMap { id in fleet.sites.first { $0.config.id == id } }
        let drained = sites.filter { SiteDrain.hasOperatorDrain($0, service: service) }
        guard !drained.isEmpty else {
            let what = targets.count == 1 ? targets[0] : "none of the \(targets.count) sites"
            setStatus(&state, "\(what) is not drained by an operator: e extends a drain's lease", .info)
            return
        }
        let old = drained.filter { $0.status?.agent.drainLifecycle != true }.map(\.config.id)
        guard old.isEmpty else {
            let who = old.count == 1 ? "the agent at \(old[0]) is" : "the agents at \(old.joined(separator: ", ")) are"
            setStatus(&state, "\(who) too old to extend a lease (no drain leases): upgrade, or undrain by hand", .warning)
            return
        }
        let maxLease = drained.compactMap { $0.status?.agent.maxLease }.min()
        state.leaseDialog = LeaseDialog(siteIDs: drained.map(\.config.id), service: service, maxLease: maxLease)
    }

    /// The current lease ends of the drains `dialog` extends (nil for a drain without a lease).
    static func leaseEnds(_ state: DashboardState, _ dialog: LeaseDialog) -> [Date?] {
        let sites = dialog.siteIDs.compactMap { id in state.fleet?.sites.first { $0.config.id == id } }
        return sites.flatMap { site in
            (site.status?.services ?? []).filter { (dialog.service == nil || $0.name == dialog.service) && $0.desired == .drain && $0.drain?.mode == .operator }
                .map { $0.drain?.leaseUntil }
        }
    }

    static func leaseDialogKey(_ state: inout DashboardState, _ key: KeyPress) -> [DashboardEffect] {
        guard var dialog = state.leaseDialog else { return [] }
        dialog.error = nil
        switch key {
        case .escape:
            state.leaseDialog = nil
            setStatus(&state, "extend cancelled", .info)
            return []
        case .character(let c) where !c.isNewline && dialog.duration.count < 16:
            dialog.duration.append(c)
        case .backspace:
            if !dialog.duration.isEmpty { dialog.duration.removeLast() }
        case .enter:
            switch dialog.seconds(leaseEnds: leaseEnds(state, dialog), now: state.now) {
            case .failure(let problem):
                dialog.error = problem.message
            case .success(let seconds):
                state.leaseDialog = nil
                let request = LeaseExtension(siteIDs: dialog.siteIDs, service: dialog.service, seconds: seconds, operatorName: state.operatorName)
                let what = (dialog.service.map { "\($0) at " } ?? "") + dialog.siteIDs.joined(separator: ", ")
                state.log.append(DashboardLogEntry(time: state.now, siteID: dialog.siteIDs.count == 1 ? dialog.siteIDs[0] : nil, level: .action,
                                                   message: "lease extension of \(what) by \(NumberFormat.span(Double(seconds))) sent by \(state.operatorName)"))
                setStatus(&state, "lease extension of \(dialog.siteIDs.joined(separator: ", ")) sent", .info)
                return [.extend(request)]
            }
        default:
            break
        }
        state.leaseDialog = dialog
        return []
    }

    static func extendCompleted(_ state: inout DashboardState, _ outcome: LeaseExtensionOutcome) -> [DashboardEffect] {
        let added = NumberFormat.span(Double(outcome.request.seconds))
        for id in outcome.request.siteIDs {
            if let error = outcome.errors[id] {
                state.log.append(DashboardLogEntry(time: state.now, siteID: id, level: .critical, message: "lease extension failed: \(error)"))
                setStatus(&state, "lease extension of \(id) failed: \(error)", .error)
            } else {
                state.log.append(DashboardLogEntry(time: state.now, siteID: id, level: .info, message: "lease extended by \(added), accepted by the agent"))
            }
        }
        if outcome.errors.isEmpty { setStatus(&state, "lease of \(outcome.request.siteIDs.joined(separator: ", ")) extended by \(added)", .info) }
        return [.pollNow]
    }
}
