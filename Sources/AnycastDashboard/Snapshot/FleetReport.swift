import AnycastCore
import Foundation

/// The machine-readable fleet snapshot that `anycast-dash snapshot --format json` prints.
public struct FleetReport: Codable, Sendable {
    public var fleet: String
    public var takenAt: Date
    public var summary: Summary
    public var poll: PollHealth
    public var sites: [Site]
    /// The fleet's coordination as the agents report it; absent when no agent has any.
    public var budget: Budget?

    enum CodingKeys: String, CodingKey {
        case fleet, summary, poll, sites, budget
        case takenAt = "taken_at"
    }

    /// What the agents' coordination says of the budget: the withdrawals it holds and the
    /// sites that cannot reach the store (they fail static).
    public struct Budget: Codable, Sendable {
        public var heldWithdrawals: [Held]
        /// Sites whose agent is not `ok` with the store, with its state (`lost`, `no_budget`).
        public var coordinationNotOK: [String: String]

        public struct Held: Codable, Sendable {
            public var site: String
            public var service: String
            public var requester: String
            public var reason: String
            public var since: Date
        }

        enum CodingKeys: String, CodingKey {
            case heldWithdrawals = "held_withdrawals"
            case coordinationNotOK = "coordination_not_ok"
        }
    }

    /// Counts over the fleet.
    public struct Summary: Codable, Sendable {
        public var sites: Int
        public var regions: [String]
        public var byStatus: [String: Int]
        public var totalQPS: Double

        enum CodingKeys: String, CodingKey {
            case sites, regions
            case byStatus = "by_status"
            case totalQPS = "total_qps"
        }
    }

    /// One site's line of the report.
    public struct Site: Codable, Sendable {
        public var id: String
        public var name: String
        public var region: String
        public var url: String
        public var reachability: SiteReachability
        public var status: SiteCondition
        public var dataAgeSeconds: Double?
        public var error: String?
        public var qps: Double?
        public var share: Double?
        public var peersEstablished: Int
        public var peersTotal: Int
        public var peers: [PeerStatus]
        public var latency: LatencyStatus?
        public var services: [ServiceStatus]
        public var historyPoints: Int
        public var backendErrors: [BackendError]
        /// The agent's standing with the fleet's coordination store, when it has one.
        public var coordination: CoordinationStatus?

        enum CodingKeys: String, CodingKey {
            case id, name, region, url, reachability, status, error, qps, share, peers, latency, services
            case dataAgeSeconds = "data_age_s"
            case peersEstablished = "peers_established"
            case peersTotal = "peers_total"
            case historyPoints = "history_points"
            case backendErrors = "backend_errors"
            case coordination
        }
    }

    public init(_ snapshot: FleetSnapshot) {
        fleet = snapshot.name
        takenAt = snapshot.takenAt
        poll = snapshot.pollHealth
        sites = snapshot.sites.map { s in
            Site(
                id: s.config.id, name: s.config.name, region: s.config.region, url: s.config.url,
                reachability: s.reachability, status: s.condition,
                dataAgeSeconds: s.dataAge(now: snapshot.takenAt).map { ($0 * 1000).rounded() / 1000 },
                error: s.lastError, qps: s.qps.map { ($0 * 10).rounded() / 10 },
                share: snapshot.share(of: s).map { ($0 * 10_000).rounded() / 10_000 },
                peersEstablished: s.status?.establishedPeerCount ?? 0, peersTotal: s.status?.peers.count ?? 0,
                peers: s.status?.peers ?? [], latency: s.status?.latency, services: s.status?.services ?? [],
                historyPoints: s.history.count, backendErrors: s.status?.errors ?? [], coordination: s.status?.coordination)
        }
        let coordinated = sites.filter { $0.coordination != nil }
        budget = coordinated.isEmpty ? nil : Budget(
            heldWithdrawals: coordinated.flatMap { site in
                site.services.compactMap { svc in
                    svc.withdrawHeld.map { Budget.Held(site: site.id, service: svc.name, requester: $0.requester, reason: $0.reason, since: $0.since) }
                }
            },
            coordinationNotOK: Dictionary(uniqueKeysWithValues: coordinated.compactMap { site in
                site.coordination.flatMap { $0.state == .ok ? nil : (site.id, $0.state.rawValue) }
            }))
        var byStatus: [String: Int] = [:]
        for s in sites { byStatus[s.status.rawValue, default: 0] += 1 }
        summary = Summary(
            sites: sites.count, regions: Array(Set(sites.map(\.region))).sorted(), byStatus: byStatus,
            totalQPS: (snapshot.totalQPS * 10).rounded() / 10)
    }
}
