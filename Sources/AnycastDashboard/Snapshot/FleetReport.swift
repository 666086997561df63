import AnycastCore
import Foundation

/// The machine-readable fleet snapshot that `anycast-dash snapshot --format json` prints.
public struct FleetReport: Codable, Sendable {
    public var fleet: String
    public var takenAt: Date
    public var summary: Summary
    public var poll: PollHealth
    public var sites: [Site]
    /// The fleet's coordination as the agents and the store report it; absent when neither has any.
    public var budget: Budget?
    /// The coordination store as the dashboard read it; absent when the fleet config has none.
    public var coordination: Store?

    enum CodingKeys: String, CodingKey {
        case fleet, summary, poll, sites, budget, coordination
        case takenAt = "taken_at"
    }

    /// The coordination store's health as one read found it.
    public struct Store: Codable, Sendable {
        public var membersUp: Int
        public var quorum: Bool
        public var leader: String?
        public var members: [Member]
        /// When the keys were read; absent when they could not be.
        public var readAt: Date?
        public var error: String?

        public struct Member: Codable, Sendable {
            public var endpoint: String
            public var name: String?
            public var up: Bool
            public var leader: Bool
            public var latencyMs: Double?
            public var error: String?

            enum CodingKeys: String, CodingKey {
                case endpoint, name, up, leader, error
                case latencyMs = "latency_ms"
            }
        }

        enum CodingKeys: String, CodingKey {
            case quorum, leader, members, error
            case membersUp = "members_up"
            case readAt = "read_at"
        }

        init(_ c: FleetCoordination) {
            membersUp = c.membersUp
            quorum = c.hasQuorum
            leader = c.leader.map(FleetCoordination.label)
            members = c.members.map { m in
                Member(endpoint: m.endpoint, name: m.name, up: m.up, leader: m.isLeader,
                       latencyMs: m.latency.map { (CoordinationText.milliseconds($0) * 100).rounded() / 100 }, error: m.error)
            }
            readAt = c.readAt
            error = c.error
        }
    }

    /// What the agents' coordination says of the budget: the withdrawals it holds and the
    /// sites that cannot reach the store (they fail static).
    public struct Budget: Codable, Sendable {
        public var heldWithdrawals: [Held]
        /// Sites whose agent is not `ok` with the store, with its state (`lost`, `no_budget`).
        public var coordinationNotOK: [String: String]
        /// Operators' changes in progress, from the store (absent when it was not read).
        public var locks: [SiteLock]?

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
            case locks
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
        /// The routing daemon the site's agent drives (`bird`, `frr`), when it says.
        public var router: String?
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
        /// What the site's agent last wrote to the store, and how old it is: what is known of a
        /// site whose agent does not answer.
        public var record: SiteRecord?
        public var recordAgeSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case id, name, region, url, router, reachability, status, error, qps, share, peers, latency, services
            case dataAgeSeconds = "data_age_s"
            case peersEstablished = "peers_established"
            case peersTotal = "peers_total"
            case historyPoints = "history_points"
            case backendErrors = "backend_errors"
            case coordination, record
            case recordAgeSeconds = "record_age_s"
        }
    }

    /// The report of `snapshot`, with what `coordination` (the store, when the fleet has one) holds.
    public init(_ snapshot: FleetSnapshot, coordination store: FleetCoordination? = nil) {
        fleet = snapshot.name
        takenAt = snapshot.takenAt
        poll = snapshot.pollHealth
        sites = snapshot.sites.map { s in
            Site(
                id: s.config.id, name: s.config.name, region: s.config.region, url: s.config.url, router: s.status?.agent.router,
                reachability: s.reachability, status: s.condition,
                dataAgeSeconds: s.dataAge(now: snapshot.takenAt).map { ($0 * 1000).rounded() / 1000 },
                error: s.lastError, qps: s.qps.map { ($0 * 10).rounded() / 10 },
                share: snapshot.share(of: s).map { ($0 * 10_000).rounded() / 10_000 },
                peersEstablished: s.status?.establishedPeerCount ?? 0, peersTotal: s.status?.peers.count ?? 0,
                peers: s.status?.peers ?? [], latency: s.status?.latency, services: s.status?.services ?? [],
                historyPoints: s.history.count, backendErrors: s.status?.errors ?? [], coordination: s.status?.coordination)
        }
        if let store {
            for i in sites.indices {
                guard let record = store.record(of: sites[i].id) else { continue }
                sites[i].record = record
                sites[i].recordAgeSeconds = (max(0, snapshot.takenAt.timeIntervalSince(record.updatedAt)) * 1000).rounded() / 1000
            }
        }
        let coordinated = sites.filter { $0.coordination != nil }
        if !coordinated.isEmpty || store != nil {
            // Held withdrawals as the agents say; for an agent that does not answer, as its record says.
            let held = sites.flatMap { site -> [Budget.Held] in
                if site.reachability == .ok || site.record == nil {
                    return site.services.compactMap { svc in
                        svc.withdrawHeld.map { Budget.Held(site: site.id, service: svc.name, requester: $0.requester, reason: $0.reason, since: $0.since) }
                    }
                }
                return site.record!.services.compactMap { svc in
                    svc.held.map { Budget.Held(site: site.id, service: svc.name, requester: $0.requester, reason: $0.reason, since: $0.since) }
                }
            }
            budget = Budget(
                heldWithdrawals: held,
                coordinationNotOK: Dictionary(uniqueKeysWithValues: coordinated.compactMap { site in
                    site.coordination.flatMap { $0.state == .ok ? nil : (site.id, $0.state.rawValue) }
                }),
                locks: store.map { $0.locks.sorted { $0.site < $1.site } })
        }
        coordination = store.map(Store.init)
        var byStatus: [String: Int] = [:]
        for s in sites { byStatus[s.status.rawValue, default: 0] += 1 }
        summary = Summary(
            sites: sites.count, regions: Array(Set(sites.map(\.region))).sorted(), byStatus: byStatus,
            totalQPS: (snapshot.totalQPS * 10).rounded() / 10)
    }
}
