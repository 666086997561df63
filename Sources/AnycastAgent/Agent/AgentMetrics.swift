import AnycastCore
import Prometheus
import Synchronization

/// The agent's state as Prometheus metrics (`GET /metrics`), through swift-prometheus:
/// desired and observed state per service, drain mode, query rate, probe latency, BGP
/// sessions, health and backend errors. Updated after every refresh.
public final class AgentMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let probeDuration: DurationHistogram
    private let qps: Gauge
    private let successRatio: Gauge
    /// Gauges with per-peer labels, by peer name, so a peer that disappears is unregistered.
    private let peerGauges = Mutex<[String: (established: Gauge, exported: Gauge)]>([:])
    /// `anycast_service_drain_info` per service, with the labels it was made with, so a new
    /// drain (another operator or ticket) replaces the old series.
    private let drainInfo = Mutex<[String: (labels: [String], gauge: Gauge)]>([:])
    private let services: [String: ServiceGauges]
    /// `anycast_backend_error{source}` for routes, traffic and probe.
    private let backendErrors: [String: Gauge]
    /// `anycast_coordination_state{state}`: 1 for the agent's standing with the fleet's store.
    private let coordinationState: [CoordinationStatus.State: Gauge]

    struct ServiceGauges: Sendable {
        var desiredAnnounce: Gauge
        var observed: [ObservedState: Gauge]
        var drained: [DrainMode: Gauge]
        var healthUp: Gauge
        var stage: [DrainStage: Gauge]
        var leaseSeconds: Gauge
        var withdrawHeld: [HeldCause: Gauge]
    }

    /// Why a withdrawal is held, as a bounded label.
    enum HeldCause: String, CaseIterable {
        case budget
        case coordinationLost = "coordination_lost"
    }

    public init(services: [ServiceDefinition]) {
        let registry = self.registry
        probeDuration = registry.makeDurationHistogram(
            descriptor: Self.named("anycast_probe_duration_seconds", "Round-trip time of successful DNS probe checks."),
            buckets: [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                      .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                      .milliseconds(500), .seconds(1)])
        qps = registry.makeGauge(descriptor: Self.named("anycast_traffic_queries_per_second", "Queries per second over the last second (absent data: NaN)."))
        successRatio = registry.makeGauge(descriptor: Self.named("anycast_probe_success_ratio", "Share of probe checks answered as expected over the probe's window."))
        var byName: [String: ServiceGauges] = [:]
        for s in services {
            let l = [("service", s.name)]
            byName[s.name] = ServiceGauges(
                desiredAnnounce: registry.makeGauge(descriptor: Self.named("anycast_service_desired_announce", "1 when the service should be announced, 0 when it is drained."), labels: l),
                observed: Dictionary(uniqueKeysWithValues: ObservedState.allCases.map { state in
                    (state, registry.makeGauge(descriptor: Self.named("anycast_service_observed", "1 for the service's observed announcement state."), labels: l + [("state", state.rawValue)]))
                }),
                drained: Dictionary(uniqueKeysWithValues: DrainMode.allCases.map { mode in
                    (mode, registry.makeGauge(descriptor: Self.named("anycast_service_drained", "1 when the service is drained, by an operator or automatically."), labels: l + [("mode", mode.rawValue)]))
                }),
                healthUp: registry.makeGauge(descriptor: Self.named("anycast_service_health_up", "1 when the service's health check is up, 0 when down or unknown."), labels: l),
                stage: Dictionary(uniqueKeysWithValues: DrainStage.allCases.map { stage in
                    (stage, registry.makeGauge(descriptor: Self.named("anycast_service_drain_stage", "1 for the step a drained service is at: deprefer (announced, less preferred) or withdraw."), labels: l + [("stage", stage.rawValue)]))
                }),
                leaseSeconds: registry.makeGauge(descriptor: Self.named("anycast_service_drain_lease_seconds", "Seconds left of the drain's lease (NaN: not drained, or no lease)."), labels: l),
                withdrawHeld: Dictionary(uniqueKeysWithValues: HeldCause.allCases.map { cause in
                    (cause, registry.makeGauge(descriptor: Self.named("anycast_service_withdraw_held", "1 while a withdrawal waits and the service stays announced: refused by the fleet's budget, or the budget cannot be checked (coordination lost)."), labels: l + [("because", cause.rawValue)]))
                }))
        }
        self.services = byName
        coordinationState = Dictionary(uniqueKeysWithValues: [CoordinationStatus.State.ok, .lost, .noBudget].map { state in
            (state, registry.makeGauge(descriptor: Self.named("anycast_coordination_state", "1 for the agent's standing with the fleet's coordination store (all 0 without one): ok, lost, no_budget."), labels: [("state", state.rawValue)]))
        })
        backendErrors = Dictionary(uniqueKeysWithValues: ["routes", "traffic", "probe"].map { source in
            (source, registry.makeGauge(descriptor: Self.named("anycast_backend_error", "1 while the backend fails."), labels: [("source", source)]))
        })
    }

    /// A successful probe check took `duration`.
    public func probeSucceeded(in duration: Duration) { probeDuration.record(duration) }

    /// Sets every gauge from the agent's status.
    public func update(_ status: SiteStatus) {
        qps.set(to: status.traffic.qps ?? Double.nan)
        successRatio.set(to: status.latency.successRatio ?? Double.nan)
        for s in status.services {
            guard let g = services[s.name] else { continue }
            g.desiredAnnounce.set(to: s.desired == .announce ? 1 : 0)
            for (state, gauge) in g.observed { gauge.set(to: state == s.observed ? 1 : 0) }
            for (mode, gauge) in g.drained { gauge.set(to: s.desired == .drain && s.drain?.mode == mode ? 1 : 0) }
            g.healthUp.set(to: s.health == .up ? 1 : 0)
            let drained = s.desired == .drain ? s.drain : nil
            for (stage, gauge) in g.stage { gauge.set(to: drained?.currentStage == stage ? 1 : 0) }
            g.leaseSeconds.set(to: drained?.leaseLeft(at: status.agent.now) ?? Double.nan)
            updateDrainInfo(service: s.name, drained)
            let cause: HeldCause? = s.withdrawHeld.map { _ in status.coordination?.state == .ok ? .budget : .coordinationLost }
            for (c, gauge) in g.withdrawHeld { gauge.set(to: c == cause ? 1 : 0) }
        }
        for (state, gauge) in coordinationState { gauge.set(to: status.coordination?.state == state ? 1 : 0) }
        let failing = Set(status.errors.map(\.source))
        for (source, gauge) in backendErrors { gauge.set(to: failing.contains(source) ? 1 : 0) }
        peerGauges.withLock { gauges in
            let present = Set(status.peers.map(\.name))
            for (name, g) in gauges where !present.contains(name) {
                registry.unregisterGauge(g.established)
                registry.unregisterGauge(g.exported)
                gauges[name] = nil
            }
            for p in status.peers {
                let g = gauges[p.name] ?? (
                    registry.makeGauge(descriptor: Self.named("anycast_bgp_peer_established", "1 when the BGP session to the peer is Established."), labels: [("peer", p.name), ("address", p.address)]),
                    registry.makeGauge(descriptor: Self.named("anycast_bgp_peer_exported_routes", "Routes exported to the peer."), labels: [("peer", p.name), ("address", p.address)]))
                g.established.set(to: p.state.isEstablished ? 1 : 0)
                g.exported.set(to: Double(p.exported))
                gauges[p.name] = g
            }
        }
    }

    /// `anycast_service_drain_info{service,operator,mode,ticket} 1` while the service is drained.
    private func updateDrainInfo(service: String, _ record: DrainRecord?) {
        drainInfo.withLock { info in
            let labels = record.map { [$0.operator, $0.mode.rawValue, $0.ticket ?? ""] }
            if let old = info[service], old.labels != labels {
                registry.unregisterGauge(old.gauge)
                info[service] = nil
            }
            guard let labels, info[service] == nil else { return }
            let gauge = registry.makeGauge(
                descriptor: Self.named("anycast_service_drain_info", "1 while the service is drained: who drained it, how, and the change ticket."),
                labels: [("service", service), ("operator", labels[0]), ("mode", labels[1]), ("ticket", labels[2])])
            gauge.set(to: 1)
            info[service] = (labels, gauge)
        }
    }

    /// A metric name with its help text (the name is used whole: no unit suffix is added).
    static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// The exposition in Prometheus text format.
    public func text() -> String { registry.emitToString() }
}
