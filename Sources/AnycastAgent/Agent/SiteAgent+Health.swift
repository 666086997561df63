import AnycastCore
import Foundation

/// The probe, the health check it feeds, and the automatic withdrawals and re-announcements
/// that follow the check's changes.
extension SiteAgent {
    func measureLatency() async {
        guard let probe = backends.probe else {
            latency = traffic.serverLatency ?? .none
            return
        }
        let instant = clock.now
        if let interval = probeInterval, let last = lastProbe,
           last.duration(to: instant) < interval - .milliseconds(50) { return }
        lastProbe = instant
        var failure: String?
        do {
            let started = clock.now
            latency = try await withTimeout(backendTimeout, "probe") { try await probe.measure() }
            metrics?.probeSucceeded(in: started.duration(to: clock.now))
            setError(&probeError, nil, source: "probe")
        } catch let error as any LatencyProbeFailure {
            latency = error.latency
            failure = error.message
        } catch {
            latency = .none
            failure = "\(error)"
        }
        if let failure { setError(&probeError, BackendError(source: "probe", message: failure), source: "probe") }
        guard healthCheck != nil else { return }
        let detail = failure ?? latency.p50Ms.map { "ok (p50 \(Self.format($0)) ms)" } ?? "ok"
        if let changed = healthCheck!.record(ok: failure == nil, detail: detail, at: now()) {
            await healthChanged(to: changed, detail: detail)
        }
    }

    /// Health went down: withdraw every `auto_withdraw` service that is announced. Health came
    /// back: re-announce what health withdrew. An operator's drain always wins: health never
    /// touches a service an operator drained.
    private func healthChanged(to state: HealthState, detail: String) async {
        let name = healthCheck?.name ?? "health"
        record(AgentEvent(seq: 0, time: now(), kind: state == .down ? .backendError : .backendRecovered,
                          actor: "health", message: "health check \(name) is \(state.rawValue): \(detail)"))
        let auto = services.filter(\.autoWithdraw)
        switch state {
        case .down:
            await withdrawForHealth(auto.filter { (intents[$0.name] ?? .announce).desired == .announce })
        case .up:
            let targets = auto.filter { intents[$0.name]?.desired == .drain && intents[$0.name]?.drain?.mode == .auto }
            guard !targets.isEmpty else { return }
            await carryOut(IntentChange(
                services: targets, intent: .announce,
                requester: .health(message: "announced again automatically: health check \(name) up"), reason: nil))
        case .unknown:
            return
        }
    }

    /// Withdraws `targets` because the health check is down (with coordination, as the fleet's
    /// budget allows: the rest are held and asked for again).
    func withdrawForHealth(_ targets: [ServiceDefinition]) async {
        guard !targets.isEmpty, let check = healthCheck else { return }
        let record = DrainRecord(operator: "health", reason: "health check \(check.name) down: \(check.detail)", since: now(), mode: .auto)
        await carryOut(IntentChange(
            services: targets, intent: ServiceIntent(desired: .drain, drain: record),
            requester: .health(message: "withdrawn automatically: health check \(check.name) down (\(check.detail))"), reason: record.reason))
    }

    private static func format(_ ms: Double) -> String {
        ms < 10 ? String(format: "%.2f", ms) : String(format: "%.0f", ms)
    }
}
