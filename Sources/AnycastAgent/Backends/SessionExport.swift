import AnycastCore

/// What one Established session is sent of a service, the same way for every daemon: only the
/// prefixes of the families the session carries are asked of it, and a route counts as
/// de-preferred when it carries the step's attributes as that daemon shows them.
enum SessionExport {
    /// The session's announcement of the service; nil when it carries none of its families.
    /// `sent` is keyed by canonical prefix (`IPPrefix.canonical`); `families` nil: every prefix.
    static func announcement<Route>(
        of service: ServiceDefinition, to peer: String, families: Set<IPFamily>?, sent: [String: Route],
        carries: (DepreferStep, Route) -> Bool
    ) -> PeerAnnouncement? {
        let wanted = service.prefixes.filter { families?.contains(IPFamily($0)) ?? true }.map(canonical)
        guard !wanted.isEmpty else { return nil }
        let routes = wanted.compactMap { sent[$0] }
        let state: ObservedState = routes.count == wanted.count ? .announced : routes.isEmpty ? .withdrawn : .partial
        let depreferred = service.deprefer.flatMap { step in routes.isEmpty ? nil : routes.allSatisfy { carries(step, $0) } }
        return PeerAnnouncement(peer: peer, observed: state, depreferred: depreferred)
    }

    /// The service over its sessions: no Established session carrying it means nothing of the
    /// site reaches anyone (withdrawn).
    static func observation(_ perPeer: [PeerAnnouncement]) -> ServiceObservation {
        ServiceObservation(observed: perPeer.isEmpty ? .withdrawn : ServiceObservation.combine(perPeer), peers: perPeer)
    }

    static func canonical(_ prefix: String) -> String { IPPrefix.canonical(prefix) ?? prefix }
}
